#!/usr/bin/env bash
# CI smoke test of the benchmarks: every benchmark runs once, for one short iteration, and the
# summariser runs on the results. Nothing is timed or asserted except that everything runs.
# No reference harness (Go/C) here: that is bench/compare.sh. About a minute; needs root.
#
#   bash bench/smoke.sh          # after mvn verify (or package) built bench/target/netns-guard-benchmarks.jar
#
# Env: JAVA [java], JAVA25 [/usr/lib/jvm/temurin-25-jdk-amd64/bin/java, skipped if absent],
#      AGENT [agent/target/netns-guard-agent.jar; without it the guard runs with no agent only],
#      OUT [bench/target/smoke]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAR=$HERE/target/netns-guard-benchmarks.jar
JAVA=${JAVA:-java}
JAVA25=${JAVA25-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
AGENT=${AGENT:-$REPO/agent/target/netns-guard-agent.jar}
OUT=${OUT:-$HERE/target/smoke}
SHORT=(-f 1 -wi 0 -i 1 -r 100ms -w 100ms -foe true)

log() { printf '[smoke.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
# shellcheck source=bench/leftovers.sh
source "$HERE/leftovers.sh"
trap 'exit 130' INT TERM

if [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$REPO" && mvn -q -B -pl bench -am -DskipTests package)
fi
mkdir -p "$OUT"
rm -rf "$OUT/jmh" "$OUT/logs" "$OUT/charts" "$OUT"/{guard.json,startup.json,meta.txt,table.md,summary.json}
mkdir -p "$OUT/jmh" "$OUT/logs"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ) (smoke run: one short iteration, numbers meaningless)" > "$OUT/meta.txt"

log "JMH: call, listen, lifecycle"
"$JAVA" -jar "$JAR" '\.CallBench\.|\.ListenBench\.|\.LifecycleBench\.' "${SHORT[@]}" \
  -rf json -rff "$OUT/jmh/jmh-r1.json" > "$OUT/logs/jmh.txt" 2>&1 || { tail -40 "$OUT/logs/jmh.txt"; exit 1; }
if [ -n "$JAVA25" ] && [ -x "$JAVA25" ]; then
  log "JMH: virtual-thread callers on $JAVA25"
  "$JAVA25" --sun-misc-unsafe-memory-access=allow -jar "$JAR" '\.VirtualCallBench\.' "${SHORT[@]}" -p callers=1,8 \
    -jvmArgsAppend "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dngbench.sidecar=$OUT/jmh/virtual-r1" \
    -rf json -rff "$OUT/jmh/virtual-r1.json" > "$OUT/logs/virtual.txt" 2>&1 || { tail -40 "$OUT/logs/virtual.txt"; exit 1; }
else
  log "no JDK 25 at '$JAVA25': virtual-thread benchmark skipped"
fi
log "call under load harness (quiet, one short measurement)"
"$JAVA" -cp "$JAR" dev.netnsguard.bench.CallLoad --callers 1,2 --warmup-ms 50 --time-ms 100 --tag smoke \
  > "$OUT/logs/callload.txt" 2>&1 || { tail -40 "$OUT/logs/callload.txt"; exit 1; }
grep -q '"benchmark":"CallLoad"' "$OUT/logs/callload.txt" || { cat "$OUT/logs/callload.txt"; exit 1; }
log "guard benchmarks $([ -f "$AGENT" ] && echo "with $AGENT" || echo "without agent (no $AGENT)")"
"$JAVA" -Dngbench.agent="$AGENT" -cp "$JAR" dev.netnsguard.bench.GuardMain --rounds 1 --warmup 0 --iterations 1 \
  --time-ms 100 --out "$OUT/guard.json" --log-dir "$OUT/logs/guard" > "$OUT/logs/guard.txt" 2>&1 \
  || { tail -40 "$OUT/logs/guard.txt"; exit 1; }
if grep -q '"error"' "$OUT/guard.json"; then
  grep '"error"' "$OUT/guard.json" >&2
  exit 1
fi
log "agent startup (1 run per variant)"
"$JAVA" -Dngbench.agent="$AGENT" -cp "$JAR" dev.netnsguard.bench.StartupMain --runs 1 --out "$OUT/startup.json" \
  > "$OUT/logs/startup.txt" 2>&1 || { tail -40 "$OUT/logs/startup.txt"; exit 1; }
log "summariser"
python3 "$HERE/summarize.py" --out "$OUT" --charts "$OUT/charts" > /dev/null
log "ok: every benchmark ran ($OUT/table.md)"
