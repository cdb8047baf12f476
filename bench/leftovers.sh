# shellcheck shell=bash
# Sourced by compare.sh and smoke.sh (which define log()): deletes, on exit, the benchmarks' ngbench-*
# namespaces that appeared during the run and are still there, even after a failure or Ctrl-C, and
# leaves alone any that existed before it started.
NSDIR=/run/netns; [ -d /run ] || NSDIR=/var/run/netns
before_ns=$(ls "$NSDIR" 2>/dev/null | grep '^ngbench-' || true)
delete_leftover_namespaces() {
  set +e
  for f in "$NSDIR"/ngbench-*; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    grep -qx "$b" <<<"$before_ns" || { log "deleting leftover namespace $b"; ip netns delete "$b"; }
  done
}
trap delete_leftover_namespaces EXIT
