#!/usr/bin/env bash
# netns-guard against the Go CNI reference and the kernel's limits, on this machine, in one go.
#
# Usage (as root, Debian 12, from anywhere):
#   bash bench/compare.sh                 # full run, about 18 minutes with the defaults on 2 vCPUs
#   QUICK=1 bash bench/compare.sh         # smoke: every piece once, tiny iterations (~3 min)
#
# What it does:
#   1. builds bench/target/netns-guard-benchmarks.jar (mvn -pl bench -am package, no tests);
#   2. for each of ROUNDS rounds, alternately: one round of the reference (../shared/anchors/run.sh
#      relative to the repository root: Go CNI ns.Do, vishvananda, C kernel costs) and one round of
#      the project's JMH benchmarks (JDK 17; the virtual-thread callers on JDK 25 when it is there);
#   3. the guard's cost (GuardMain: no agent, agent off/report/strict, each in its own fork,
#      interleaved over GUARD_ROUNDS rounds) and the agent's startup cost (StartupMain), when the
#      agent jar exists (agent/target/netns-guard-agent.jar, or AGENT=path);
#   3b. unless SKIP_LOAD: NetNS.call and CNI Do(noop) at 1, 2 and 8 callers, quiet and again while a
#      CPU hog keeps every core busy (one busy-looping shell per core, normal priority, the same for
#      both sides; CallLoad for netns-guard, the reference's CNIDoNoop with a fixed call count),
#      with the CPU time each side spent per call; table in OUT/load.md;
#   4. prints one table (bench/summarize.py) and, unless QUICK, writes the charts to docs/images/
#      and the small summary to bench/results/summary.json.
#
# Knobs (environment, defaults in brackets):
#   ROUNDS [2]            rounds of reference + JMH
#   REF_REPS [3]          run.sh REPS per round (C reps, go test -count)
#   REF_C_SECS [1.0]      run.sh C_SECS;   REF_GO_BENCHTIME [1s]; REF_GO_NS_BENCHTIME [300x]
#   JMH_ARGS []           extra JMH options for the main benchmarks (e.g. "-wi 5 -i 10")
#   GUARD_ROUNDS [3]      rounds of the guard benchmarks; GUARD_WARMUP [4] GUARD_ITERATIONS [4] GUARD_TIME_MS [500]
#   GUARD_CPUS [the last CPU]   taskset -c list the guard benchmarks run on (empty: not pinned); one vCPU
#                         keeps cross-vCPU wake-ups out of what the hooks cost (bench/README.md)
#   STARTUP_RUNS [20]     hello-world JVM runs per variant
#   QUICK [0]             1: one round, tiny iterations everywhere, outputs stay under OUT
#   OUT [bench/target/compare]   raw outputs, table.md, summary.json (and copies of the two jars it runs;
#                         point it outside bench/target when other people may run mvn clean meanwhile)
#   ANCHORS [<repo>/../shared/anchors]   the reference harness (read-only is fine)
#   AGENT [<repo>/agent/target/netns-guard-agent.jar]
#   JAVA [java]  JAVA25 [/usr/lib/jvm/temurin-25-jdk-amd64/bin/java]  (empty JAVA25 = skip virtual threads)
#   LOAD_TIME_MS [3000]   CallLoad measurement per caller count; LOAD_GO_CALLS [30000] CNIDoNoop calls per rep
#   SKIP_BUILD [0]  SKIP_REFERENCE [0]  SKIP_GUARD [0]  SKIP_LOAD [0]  PUBLISH [1 unless QUICK]
#
# Namespaces: the benchmarks name theirs ngbench-<pid>-*, delete them in @TearDown and in a shutdown
# hook; the EXIT trap here deletes any ngbench-* that appeared during the run. Do not run two copies
# at once (run.sh's names are fixed). Traffic stays on loopback; host links, routes and sysctls are
# never touched.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
QUICK=${QUICK:-0}
OUT=${OUT:-$HERE/target/compare}
ANCHORS=${ANCHORS:-$REPO/../shared/anchors}
AGENT=${AGENT:-$REPO/agent/target/netns-guard-agent.jar}
JAVA=${JAVA:-java}
JAVA25=${JAVA25-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=$HERE/target/netns-guard-benchmarks.jar
if [ "$QUICK" = 1 ]; then
  ROUNDS=${ROUNDS:-1}; REF_REPS=${REF_REPS:-1}; REF_C_SECS=${REF_C_SECS:-0.05}
  REF_GO_BENCHTIME=${REF_GO_BENCHTIME:-50ms}; REF_GO_NS_BENCHTIME=${REF_GO_NS_BENCHTIME:-10x}
  JMH_ARGS=${JMH_ARGS:--wi 0 -i 1 -r 100ms -w 100ms}
  GUARD_ROUNDS=${GUARD_ROUNDS:-1}; GUARD_WARMUP=${GUARD_WARMUP:-0}; GUARD_ITERATIONS=${GUARD_ITERATIONS:-1}
  GUARD_TIME_MS=${GUARD_TIME_MS:-100}; STARTUP_RUNS=${STARTUP_RUNS:-2}; PUBLISH=${PUBLISH:-0}
fi
ROUNDS=${ROUNDS:-2}; REF_REPS=${REF_REPS:-3}; REF_C_SECS=${REF_C_SECS:-1.0}
REF_GO_BENCHTIME=${REF_GO_BENCHTIME:-1s}; REF_GO_NS_BENCHTIME=${REF_GO_NS_BENCHTIME:-300x}
JMH_ARGS=${JMH_ARGS:-}
GUARD_ROUNDS=${GUARD_ROUNDS:-3}; GUARD_WARMUP=${GUARD_WARMUP:-4}; GUARD_ITERATIONS=${GUARD_ITERATIONS:-4}
GUARD_TIME_MS=${GUARD_TIME_MS:-500}; STARTUP_RUNS=${STARTUP_RUNS:-20}; PUBLISH=${PUBLISH:-1}
GUARD_CPUS=${GUARD_CPUS-$(($(nproc) - 1))}
SKIP_BUILD=${SKIP_BUILD:-0}; SKIP_REFERENCE=${SKIP_REFERENCE:-0}; SKIP_GUARD=${SKIP_GUARD:-0}; SKIP_LOAD=${SKIP_LOAD:-0}
if [ "$QUICK" = 1 ]; then LOAD_TIME_MS=${LOAD_TIME_MS:-200}; LOAD_GO_CALLS=${LOAD_GO_CALLS:-2000}; fi
LOAD_TIME_MS=${LOAD_TIME_MS:-3000}; LOAD_GO_CALLS=${LOAD_GO_CALLS:-30000}

log() { printf '[compare.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
# a phase starts: log it, and note the time and load average in meta.txt (the table's header)
phase() { log "$*"; echo "$(date -u +%H:%M:%S) loadavg $(cut -d' ' -f1-3 /proc/loadavg)  $*" >> "$OUT/meta.txt"; }
if [ "$(id -u)" != 0 ]; then echo "compare.sh: needs root (namespaces)" >&2; exit 1; fi

# shellcheck source=bench/leftovers.sh
source "$HERE/leftovers.sh"
trap 'log interrupted; exit 130' INT TERM

# ---- 1. build -------------------------------------------------------------
if [ "$SKIP_BUILD" != 1 ] || [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$REPO" && mvn -q -B -pl bench -am -DskipTests package)
fi
mkdir -p "$OUT"
# only what this script writes, never the whole of a directory someone pointed OUT at
rm -rf "$OUT/jmh" "$OUT/anchors" "$OUT/logs" "$OUT/charts" "$OUT/load" "$OUT"/{load.md,guard.json,startup.json,meta.txt,table.md,summary.json,netns-guard-benchmarks.jar,netns-guard-agent.jar}
mkdir -p "$OUT/jmh" "$OUT/anchors" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)

# Run from copies: a colleague's `mvn clean` or a rebuild of the agent must not change them mid-run.
cp "$JAR" "$OUT/netns-guard-benchmarks.jar"
JAR=$OUT/netns-guard-benchmarks.jar

JAVA25_OK=0
if [ -n "$JAVA25" ] && [ -x "$JAVA25" ]; then JAVA25_OK=1; fi
AGENT_OK=0
if [ -f "$AGENT" ] && [ "$SKIP_GUARD" != 1 ]; then
  AGENT_OK=1
  AGENT_SRC=$AGENT
  cp "$AGENT" "$OUT/netns-guard-agent.jar"
  AGENT=$OUT/netns-guard-agent.jar
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -r), $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "java: $("$JAVA" -version 2>&1 | head -2 | tail -1)"
  [ "$JAVA25_OK" = 1 ] && echo "java25: $("$JAVA25" -version 2>&1 | head -2 | tail -1)"
  echo "commit: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [ "$AGENT_OK" = 1 ]; then
    echo "agent: $AGENT_SRC ($(stat -c '%y' "$AGENT_SRC" | cut -d. -f1), sha256 $(sha256sum "$AGENT" | cut -c1-12))"
  else
    echo "agent: none (guard and startup benchmarks skipped)"
  fi
  echo "knobs: QUICK=$QUICK ROUNDS=$ROUNDS REF_REPS=$REF_REPS REF_C_SECS=$REF_C_SECS REF_GO_BENCHTIME=$REF_GO_BENCHTIME REF_GO_NS_BENCHTIME=$REF_GO_NS_BENCHTIME JMH_ARGS='$JMH_ARGS' GUARD_ROUNDS=$GUARD_ROUNDS GUARD_WARMUP=$GUARD_WARMUP GUARD_ITERATIONS=$GUARD_ITERATIONS GUARD_TIME_MS=$GUARD_TIME_MS GUARD_CPUS=$GUARD_CPUS STARTUP_RUNS=$STARTUP_RUNS"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

# ---- 2. reference and JMH, round by round ---------------------------------
# JMH sorts benchmarks by name; the namespace create/destroy benchmarks go last in each round (in
# their own run) because the kernel tears namespaces down asynchronously after them, as run.sh
# does with its own; SETTLE seconds of pause let that work finish before the next phase.
SETTLE=${SETTLE:-5}
[ "$QUICK" = 1 ] && SETTLE=0
for r in $(seq 1 "$ROUNDS"); do
  if [ "$SKIP_REFERENCE" != 1 ]; then
    if [ -f "$ANCHORS/run.sh" ]; then
      phase "round $r/$ROUNDS: reference (anchors run.sh)"
      OUT_DIR="$OUT/anchors/r$r" ROUNDS=1 REPS=$REF_REPS C_SECS=$REF_C_SECS GO_BENCHTIME=$REF_GO_BENCHTIME \
        GO_NS_BENCHTIME=$REF_GO_NS_BENCHTIME bash "$ANCHORS/run.sh" > "$OUT/logs/anchors-r$r.txt" 2>&1 \
        || log "reference round $r failed (see $OUT/logs/anchors-r$r.txt)"
      sleep "$SETTLE"
    else
      log "no reference harness at $ANCHORS: netns-guard numbers only"
    fi
  fi
  phase "round $r/$ROUNDS: JMH ($JAVA): call, listen"
  # shellcheck disable=SC2086
  "$JAVA" -jar "$JAR" '\.CallBench\.|\.ListenBench\.' $JMH_ARGS -foe false -rf json -rff "$OUT/jmh/jmh-r$r.json" \
    > "$OUT/logs/jmh-r$r.txt" 2>&1 || log "JMH round $r had failures (see $OUT/logs/jmh-r$r.txt)"
  if [ "$JAVA25_OK" = 1 ]; then
    phase "round $r/$ROUNDS: JMH ($JAVA25): virtual-thread callers"
    # shellcheck disable=SC2086
    "$JAVA25" --sun-misc-unsafe-memory-access=allow -jar "$JAR" '\.VirtualCallBench\.' $JMH_ARGS -foe false \
      -jvmArgsAppend "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dngbench.sidecar=$OUT/jmh/virtual-r$r" \
      -rf json -rff "$OUT/jmh/virtual-r$r.json" > "$OUT/logs/virtual-r$r.txt" 2>&1 \
      || log "JMH virtual round $r had failures (see $OUT/logs/virtual-r$r.txt)"
  fi
  phase "round $r/$ROUNDS: JMH ($JAVA): namespace create/destroy"
  # shellcheck disable=SC2086
  "$JAVA" -jar "$JAR" '\.LifecycleBench\.' $JMH_ARGS -foe false -rf json -rff "$OUT/jmh/lifecycle-r$r.json" \
    > "$OUT/logs/lifecycle-r$r.txt" 2>&1 || log "JMH lifecycle round $r had failures (see $OUT/logs/lifecycle-r$r.txt)"
  sleep "$SETTLE"
done

# ---- 3b. call under load -------------------------------------------------
# Both sides, quiet and under the same CPU hog; CPU per call from the process CPU clock (Java) and
# from the children's rusage of the Go test binary (bash `times`), over a fixed number of calls.
HOG_PIDS=()
stop_hog() { for p in "${HOG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; HOG_PIDS=(); }
start_hog() { for _ in $(seq "$(nproc)"); do (while :; do :; done) & HOG_PIDS+=($!); done; }
if [ "$SKIP_LOAD" != 1 ]; then
  trap 'stop_hog; delete_leftover_namespaces' EXIT
  mkdir -p "$OUT/load"
  GOBIN=$OUT/anchors/r1/gobench.test
  for cond in quiet load; do
    if [ "$cond" = load ]; then start_hog; fi
    phase "call $cond: CallLoad ($JAVA) and CNI Do(noop), 1/2/8 callers$([ "$cond" = load ] && echo ", hog of $(nproc) busy loops")"
    "$JAVA" -cp "$JAR" dev.netnsguard.bench.CallLoad --tag "$cond" --time-ms "$LOAD_TIME_MS" \
      > "$OUT/load/java-$cond.json" 2> "$OUT/logs/load-java-$cond.txt" || log "CallLoad $cond failed"
    if [ -x "$GOBIN" ] && [ "$SKIP_REFERENCE" != 1 ]; then
      for c in 1 2 8; do
        ( cd "$ANCHORS/gobench" && "$GOBIN" -test.run '^$' -test.bench "^BenchmarkCNIDoNoop\$/^callers=$c\$" \
            -test.benchtime "${LOAD_GO_CALLS}x" -test.count "$REF_REPS" > "$OUT/load/go-$cond-c$c.txt" 2>&1; times ) \
          > "$OUT/load/go-$cond-c$c.times" 2>&1 || log "CNIDoNoop $cond callers=$c failed"
      done
    fi
    stop_hog
  done
  python3 - "$OUT" "$REF_REPS" "$LOAD_GO_CALLS" > "$OUT/load.md" <<'PY'
import json, re, statistics, sys, os
out, reps, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def secs(t):
    m = re.match(r"(\d+)m([\d.]+)s", t); return int(m.group(1)) * 60 + float(m.group(2))
rows = []
for cond in ("quiet", "load"):
    java = {}
    try:
        for line in open(f"{out}/load/java-{cond}.json"):
            if line.startswith("{"):
                j = json.loads(line); java[j["callers"]] = j
    except OSError:
        pass
    for c in (1, 2, 8):
        go = {"p50": None, "p99": None, "ops": None, "cpu": None}
        try:
            txt = open(f"{out}/load/go-{cond}-c{c}.txt").read()
            vals = lambda unit: [float(x) for x in re.findall(r"([\d.]+) " + unit, txt)]
            if vals("p50-ns"):
                go["p50"] = statistics.median(vals("p50-ns")) / 1e3
                go["p99"] = statistics.median(vals("p99-ns")) / 1e3
                go["ops"] = statistics.median(vals("ops/s"))
            t = open(f"{out}/load/go-{cond}-c{c}.times").read().split("\n")
            # second line of `times`: the children's user and system time
            u, s_ = t[1].split()
            done = calls // c * c * reps
            go["cpu"] = (secs(u) + secs(s_)) * 1e6 / done
        except (OSError, IndexError, ValueError):
            pass
        j = java.get(c)
        rows.append((cond, c, j, go))
def f(x, unit=" µs"):
    return "–" if x is None else (f"{x/1e3:.0f} k/s" if unit == "ops" else f"{x:.2f}{unit}")
def r(a, b):
    return "–" if a is None or b is None or b == 0 else f"{a/b:.2f}×"
print("| condition | callers | netns-guard p50 | CNI p50 | ratio | netns-guard p99 | CNI p99 | ratio | netns-guard rate | CNI rate | ratio | CPU/call netns-guard | CPU/call CNI |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for cond, c, j, go in rows:
    jp50 = j and j["p50_us"]; jp99 = j and j["p99_us"]; jops = j and j["ops_per_s"]; jcpu = j and j["cpu_us_per_call"]
    print(f"| {cond} | {c} | **{f(jp50)}** | {f(go['p50'])} | {r(jp50, go['p50'])} | **{f(jp99)}** | {f(go['p99'])} | {r(jp99, go['p99'])} "
          f"| {f(jops, 'ops')} | {f(go['ops'], 'ops')} | {r(jops, go['ops'])} | {f(jcpu)} | {f(go['cpu'])} |")
PY
  cat "$OUT/load.md" >&2
fi

# ---- 3. guard cost and agent startup --------------------------------------
if [ "$AGENT_OK" = 1 ]; then
  phase "guard benchmarks: no agent / off / report / strict, $GUARD_ROUNDS interleaved rounds, CPUs ${GUARD_CPUS:-all}"
  pin=()
  [ -n "$GUARD_CPUS" ] && pin=(taskset -c "$GUARD_CPUS")
  "${pin[@]}" "$JAVA" -Dngbench.agent="$AGENT" -cp "$JAR" dev.netnsguard.bench.GuardMain --rounds "$GUARD_ROUNDS" \
    --warmup "$GUARD_WARMUP" --iterations "$GUARD_ITERATIONS" --time-ms "$GUARD_TIME_MS" \
    --out "$OUT/guard.json" --log-dir "$OUT/logs/guard" 2>&1 | tee "$OUT/logs/guard.txt" >&2 \
    || log "guard benchmarks failed (see $OUT/logs/guard.txt)"
  phase "agent startup: hello-world JVM, $STARTUP_RUNS runs per variant"
  javas=$(command -v "$JAVA")
  [ "$JAVA25_OK" = 1 ] && javas="$javas,$JAVA25"
  "$JAVA" -Dngbench.agent="$AGENT" -cp "$JAR" dev.netnsguard.bench.StartupMain --runs "$STARTUP_RUNS" \
    --java "$javas" --out "$OUT/startup.json" 2>&1 | tee "$OUT/logs/startup.txt" >&2 \
    || log "startup benchmark failed (see $OUT/logs/startup.txt)"
else
  log "no agent jar at $AGENT (or SKIP_GUARD=1): guard and startup benchmarks skipped"
fi
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)  ($(date -u +%H:%M:%SZ))" >> "$OUT/meta.txt"

# ---- 4. one table, charts --------------------------------------------------
if [ "$PUBLISH" = 1 ]; then
  python3 "$HERE/summarize.py" --out "$OUT" --summary-json "$HERE/results/summary.json" --charts "$REPO/docs/images"
  cp "$OUT/table.md" "$HERE/results/table.md"
  [ -f "$OUT/load.md" ] && cp "$OUT/load.md" "$HERE/results/load.md"
else
  python3 "$HERE/summarize.py" --out "$OUT" --charts "$OUT/charts"
fi
log "done: $OUT/table.md"
