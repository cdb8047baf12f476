#!/usr/bin/env bash
# The guard's cost across revisions of the agent, interleaved in one run: for each of ROUNDS rounds, GuardMain
# (no agent, report, strict) once per revision, each with the agent and the benchmarks built from that revision,
# so drift of a shared machine hits every revision alike. Prints each revision's median ratio to no agent.
#
# Usage (as root, from anywhere):  bash bench/guard-ab.sh REV [REV ...]      e.g. bash bench/guard-ab.sh e3c903e^ e3c903e HEAD
# Knobs: ROUNDS [3]  WARMUP [2]  ITERATIONS [3]  TIME_MS [400]  BENCHMARKS [every benchmark each revision has]
#        CPUS [the last CPU]: taskset -c list of the forks, as bench/compare.sh's GUARD_CPUS (empty: not pinned)
#        OUT [bench/target/guard-ab]  (worktrees of the revisions go under OUT/src, removed at the end)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT=${OUT:-$HERE/target/guard-ab}
ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-2}; ITERATIONS=${ITERATIONS:-3}; TIME_MS=${TIME_MS:-400}
CPUS=${CPUS-$(($(nproc) - 1))}
pin=()
[ -n "$CPUS" ] && pin=(taskset -c "$CPUS")
[ $# -ge 1 ] || { echo "usage: bench/guard-ab.sh REV [REV ...]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "guard-ab.sh: needs root (namespaces)" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT/src"
cleanup() { for d in "$OUT"/src/*/; do [ -d "$d" ] && git -C "$REPO" worktree remove --force "$d" || true; done; }
trap cleanup EXIT
labels=()
for rev in "$@"; do
  label=$(git -C "$REPO" rev-parse --short "$rev"); labels+=("$label")
  git -C "$REPO" worktree add --detach "$OUT/src/$label" "$rev" >/dev/null
  (cd "$OUT/src/$label" && mvn -B -q -ntp -pl bench,agent -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
  cp "$OUT/src/$label/agent/target/netns-guard-agent.jar" "$OUT/agent-$label.jar"
  cp "$OUT/src/$label/bench/target/netns-guard-benchmarks.jar" "$OUT/bench-$label.jar"
done
for r in $(seq 1 "$ROUNDS"); do
  for label in "${labels[@]}"; do
    benchmarks=()
    [ -n "${BENCHMARKS:-}" ] && benchmarks=(--benchmarks "$BENCHMARKS")
    "${pin[@]}" java -Dngbench.agent="$OUT/agent-$label.jar" -cp "$OUT/bench-$label.jar" dev.netnsguard.bench.GuardMain \
      --rounds 1 --warmup "$WARMUP" --iterations "$ITERATIONS" --time-ms "$TIME_MS" --modes none,report,strict \
      "${benchmarks[@]}" --out "$OUT/$label-r$r.json" --log-dir "$OUT/logs-$label-r$r" > "$OUT/$label-r$r.txt"
    echo "[guard-ab.sh] round $r $label done" >&2
  done
done
python3 - "$OUT" "${labels[@]}" <<'PY'
import collections, glob, json, statistics, sys
out, labels = sys.argv[1], sys.argv[2:]
ratios = collections.defaultdict(lambda: collections.defaultdict(list))
for label in labels:
    for f in glob.glob(f"{out}/{label}-r*.json"):
        scores = collections.defaultdict(dict)
        for r in json.load(open(f))["results"]:
            scores[r["benchmark"]][r["mode"]] = r["score"]
        for b, m in scores.items():
            for mode in ("report", "strict"):
                if "none" in m and mode in m:
                    ratios[(b, mode)][label].append(m["none"] / m[mode])
print("speed relative to no agent: median over rounds [min-max]")
print("| benchmark | mode | " + " | ".join(labels) + " |")
print("|---|---|" + "---|" * len(labels))
for (b, mode), by in ratios.items():
    cells = [f"{statistics.median(by[l]):.2f} [{min(by[l]):.2f}-{max(by[l]):.2f}]" if by.get(l) else "-" for l in labels]
    print(f"| {b} | {mode} | " + " | ".join(cells) + " |")
PY
