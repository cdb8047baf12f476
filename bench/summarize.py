#!/usr/bin/env python3
"""Summarise one bench/compare.sh run: the reference (Go CNI + C, from the anchors' run.sh), the
project's JMH results, the guard's cost per agent mode and the agent's startup cost.

    summarize.py --out bench/target/compare [--summary-json FILE] [--charts DIR]
    summarize.py --from-summary bench/results/summary.json --charts docs/images   # charts only

Reads OUT/anchors/r*/ (run.sh outputs), OUT/jmh/jmh-r*.json and virtual-r*.json (+ the
virtual-r*/ per-call percentile side files), OUT/guard.json, OUT/startup.json and OUT/meta.txt.
Prints one Markdown document (also written to OUT/table.md), writes a small summary JSON (the
numbers the table and charts are made of) and SVG charts. Plain Python 3, no dependencies.

Values of each round are reduced to a median per round; the table shows the median over rounds.
The reference pools all repetitions of all rounds, as the anchors' own summarize.py does.
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import sys

# ------------------------------------------------------------------ helpers


def med(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else None


def fmt_us(v):
    if v is None:
        return "–"
    if v >= 10000:
        return f"{v / 1000:.2f} ms"
    if v >= 100:
        return f"{v:.0f} µs"
    if v >= 10:
        return f"{v:.1f} µs"
    return f"{v:.2f} µs"


def fmt_rate(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M/s"
    return f"{v / 1e3:.0f} k/s"


def fmt_ratio(v):
    return "–" if v is None else f"{v:.2f}×"


def fmt_range(values, fmt):
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return ""
    return f"{fmt(min(values))} – {fmt(max(values))}"


# ------------------------------------------------------------------ reference (run.sh outputs)

GO_LINE = re.compile(r"^Benchmark(\S+?)(-\d+)?\s+(\d+)\s+(.*)$")


def load_reference(out):
    """{name: {"ns": [pooled samples], "rounds": [per-round medians], "p50-ns": [...], ...}}"""
    ref = {}
    dirs = sorted(glob.glob(os.path.join(out, "anchors", "r*")), key=lambda d: int(re.sub(r"\D", "", os.path.basename(d)) or 0))
    for rnd, d in enumerate(dirs, 1):
        per_round = {}
        for path in sorted(glob.glob(os.path.join(d, "c-*-r*.txt"))):
            suffix = " (in ns)" if os.path.basename(path).startswith("c-inns") else ""
            for line in open(path):
                if line.startswith("RESULT "):
                    name = "C " + line.split()[1] + suffix
                    reps = [float(x) for x in line.split("reps=")[1].strip().split(",")]
                    per_round.setdefault(name, []).extend({"ns": v} for v in reps)
        for path in sorted(glob.glob(os.path.join(d, "go-*-r*.txt"))):
            for line in open(path):
                m = GO_LINE.match(line.strip())
                if not m:
                    continue
                fields = m.group(4).split()
                s = {}
                for i in range(0, len(fields) - 1, 2):
                    try:
                        s[fields[i + 1]] = float(fields[i])
                    except ValueError:
                        pass
                if "ns/op" in s:
                    s["ns"] = s.pop("ns/op")
                    per_round.setdefault("Go " + m.group(1), []).append(s)
        for name, samples in per_round.items():
            e = ref.setdefault(name, {"samples": [], "rounds": []})
            e["samples"].extend(samples)
            e["rounds"].append(med([s["ns"] for s in samples]))
    result = {}
    for name, e in ref.items():
        r = {"median_us": med([s["ns"] for s in e["samples"]]) / 1000, "rounds_us": [v / 1000 for v in e["rounds"]],
             "n": len(e["samples"])}
        for key, out_key in (("p50-ns", "p50_us"), ("p99-ns", "p99_us")):
            v = med([s.get(key) for s in e["samples"]])
            if v is not None:
                r[out_key] = v / 1000
        v = med([s.get("ops/s") for s in e["samples"]])
        if v is not None:
            r["ops_s"] = v
        result[name] = r
    env = {}
    if dirs:
        env_path = os.path.join(dirs[0], "env.txt")
        if os.path.exists(env_path):
            env["env"] = open(env_path).read().strip()
        loads = []
        for i, d in enumerate(dirs, 1):
            p = os.path.join(d, "load.txt")
            if os.path.exists(p):
                # compare.sh runs run.sh one round at a time: each says "round 1"
                loads.append(re.sub(r"^round \d+", f"round {i}", open(p).read().strip(), flags=re.M))
        env["load"] = loads
    return result, env


# ------------------------------------------------------------------ JMH


def load_jmh(out):
    """{short name: {metric: [value per round]}} with metrics mean_us, p50_us, p99_us, ops_s, avgt_us."""
    res = {}
    files = sorted(glob.glob(os.path.join(out, "jmh", "*-r*.json")))
    for path in files:
        rnd = int(re.search(r"-r(\d+)\.json$", path).group(1))
        try:
            data = json.load(open(path))
        except (OSError, ValueError):
            continue
        for b in data:
            short = b["benchmark"].rsplit(".", 2)[-2] + "." + b["benchmark"].rsplit(".", 1)[-1]
            params = b.get("params") or {}
            if params:
                short += "[" + ",".join(f"{k}={v}" for k, v in sorted(params.items())) + "]"
            pm = b["primaryMetric"]
            unit = pm["scoreUnit"]
            e = res.setdefault(short, {"threads": b.get("threads"), "jdk": b.get("jdkVersion")})

            def put(metric, value):
                e.setdefault(metric, {})[rnd] = value

            if b["mode"] == "thrpt":
                scale = {"ops/us": 1e6, "ops/ms": 1e3, "ops/s": 1.0}.get(unit)
                if scale:
                    put("ops_s", pm["score"] * scale)
            elif b["mode"] in ("avgt", "sample"):
                scale = {"us/op": 1.0, "ns/op": 1e-3, "ms/op": 1e3}.get(unit)
                if scale is None:
                    continue
                if b["mode"] == "avgt":
                    put("avgt_us", pm["score"] * scale)
                else:
                    put("mean_us", pm["score"] * scale)
                    pct = pm.get("scorePercentiles", {})
                    if "50.0" in pct:
                        put("p50_us", pct["50.0"] * scale)
                    if "99.0" in pct:
                        put("p99_us", pct["99.0"] * scale)
    # virtual-thread per-call percentiles from the side files
    for d in sorted(glob.glob(os.path.join(out, "jmh", "virtual-r*"))):
        if not os.path.isdir(d):
            continue
        rnd = int(re.search(r"-r(\d+)$", d).group(1))
        for path in glob.glob(os.path.join(d, "virtual-callers=*.json")):
            try:
                v = json.load(open(path))
            except (OSError, ValueError):
                continue
            e = res.setdefault(f"VirtualCallBench.virtualCallers[callers={v['callers']}]", {})
            e.setdefault("p50_us", {})[rnd] = v["p50_us"]
            e.setdefault("p99_us", {})[rnd] = v["p99_us"]
    out_res = {}
    for name, e in res.items():
        o = {k: e[k] for k in ("threads", "jdk") if e.get(k) is not None}
        for metric, rounds in e.items():
            if isinstance(rounds, dict):
                vals = [rounds[r] for r in sorted(rounds)]
                o[metric] = med(vals)
                o[metric + "_rounds"] = vals
        out_res[name] = o
    return out_res


def load_json(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def summarise_guard(guard):
    if not guard:
        return None
    rows = guard["results"]
    benches = []
    for r in rows:
        if r["benchmark"] not in benches:
            benches.append(r["benchmark"])
    modes = [m for m in ("none", "off", "report", "strict") if any(r["mode"] == m for r in rows)]
    result = {"agent": guard.get("agent"), "jdk": guard.get("jdk"), "rounds": guard.get("rounds"),
              "modes": modes, "benchmarks": {}}
    for b in benches:
        score = {}
        errors = []
        for r in rows:
            if r["benchmark"] == b:
                if "score" in r:
                    score.setdefault(r["mode"], {})[r["round"]] = r["score"]
                else:
                    errors.append(f"{r['mode']} r{r['round']}: {r.get('error', '?')}")
        entry = {"none_us": med(list(score.get("none", {}).values())), "modes": {}, "errors": errors}
        for m in modes:
            if m == "none":
                continue
            ratios = [score["none"][rnd] / score[m][rnd] for rnd in sorted(score.get(m, {}))
                      if rnd in score.get("none", {})]
            entry["modes"][m] = {"us": med(list(score.get(m, {}).values())), "ratio": med(ratios), "ratio_rounds": ratios}
        result["benchmarks"][b] = entry
    return result


# ------------------------------------------------------------------ the table

STARTUP_BUDGET_MS = 150  # performance issue #16: added to a hello-world JVM, report and strict

GUARD_TARGETS = {  # speed relative to no agent (agent issue #3, guard issue #4, exact checks #13, libraries #12)
    "socketOpenClose": {"report": 0.95, "strict": 0.90},
    "tcpConnectRst": {"report": 0.98, "strict": 0.97},
    "httpNewConnection": {"report": 0.98, "strict": 0.97},
    "httpKeepAlive": {"report": 0.98},
    "tcpConnectAcceptClose": {"report": 0.98, "strict": 0.90},
    "executorLoop": {"off": 0.95, "report": 0.98, "strict": 0.95},
    "executorLoopInScope": {"off": 0.95, "report": 0.95, "strict": 0.95},
}
GUARD_LABELS = {
    "socketOpenClose": ("socket open/close (`SocketChannel.open().close()`)", "C socket_close"),
    "tcpConnectAcceptClose": ("loopback TCP connect + accept + close", "C tcp_connect_accept_close"),
    "tcpConnectRst": ("loopback TCP connect + accept, closed with RST", None),
    "httpNewConnection": ("loopback HTTP GET on a new connection per request", None),
    "httpKeepAlive": ("loopback HTTP GET on a kept-alive connection", None),
    "dnsLookupHosts": ("DNS lookup of `localhost` from /etc/hosts, cache off", None),
    "processStartTrue": ("process start of `true` + wait", None),
    "executorLoop": ("executor loop, no sockets, outside any scope", None),
    "executorLoopInScope": ("executor loop, no sockets, submitted inside a scope (propagation)", None),
}


def build(ref, jmh, guard, startup):
    rows = []  # dicts: section, op, ref_label, ref, floor_label, floor, ng, ratio, better, target, met, unit

    def R(name, key="median_us"):
        return ref.get(name, {}).get(key)

    def J(name, key):
        return jmh.get(name, {}).get(key)

    def row(section, op, ref_label, ref_v, ng_v, kind="time", floor_label=None, floor_v=None, target=None,
            ng_rounds=None, ref_rounds=None):
        ratio = ng_v / ref_v if ng_v is not None and ref_v else None
        met = None
        if target is not None and ratio is not None:
            met = ratio <= target if kind == "time" else ratio >= target
        rows.append({"section": section, "op": op, "ref_label": ref_label, "ref": ref_v, "floor_label": floor_label,
                     "floor": floor_v, "ng": ng_v, "ratio": ratio, "kind": kind, "target": target, "met": met,
                     "ng_rounds": ng_rounds or [], "ref_rounds": ref_rounds or []})

    s = "NetNS.call, empty body"
    setns = R("C setns_roundtrip")
    futex1 = R("C pingpong_futex_same_cpu")
    row(s, "1 caller, p50 latency", "CNI `Do` p50", R("Go CNIDoNoop/callers=1", "p50_us"),
        J("CallBench.callers1", "p50_us"), floor_label="C setns round trip", floor_v=setns, target=1 / 3,
        ng_rounds=J("CallBench.callers1", "p50_us_rounds"))
    row(s, "1 caller, mean latency", "CNI `Do` mean", R("Go CNIDoNoop/callers=1"),
        J("CallBench.callers1", "avgt_us") or J("CallBench.callers1", "mean_us"),
        floor_label="C futex ping-pong, one vCPU", floor_v=futex1,
        ng_rounds=J("CallBench.callers1", "avgt_us_rounds"), ref_rounds=R("Go CNIDoNoop/callers=1", "rounds_us"))
    row(s, "1 caller, p99 latency", "CNI `Do` p99", R("Go CNIDoNoop/callers=1", "p99_us"),
        J("CallBench.callers1", "p99_us"), ng_rounds=J("CallBench.callers1", "p99_us_rounds"))
    for n in (2, 4, 8):
        row(s, f"{n} callers, aggregate throughput", "CNI `Do` ops/s", R(f"Go CNIDoNoop/callers={n}", "ops_s"),
            J(f"CallBench.callers{n}", "ops_s"), kind="rate", target=2.0 if n == 8 else None,
            ng_rounds=J(f"CallBench.callers{n}", "ops_s_rounds"))
    for n in (2, 4, 8):
        row(s, f"{n} callers, p50 latency of each call", "CNI `Do` p50", R(f"Go CNIDoNoop/callers={n}", "p50_us"),
            J(f"CallBench.callers{n}", "p50_us"), ng_rounds=J(f"CallBench.callers{n}", "p50_us_rounds"))
    for n in (1, 2, 4, 8):
        name = f"VirtualCallBench.virtualCallers[callers={n}]"
        if name in jmh:
            row(s + " (virtual-thread callers, JDK 25)", f"{n} virtual caller{'s' if n > 1 else ''}, aggregate throughput",
                "CNI `Do` ops/s", R(f"Go CNIDoNoop/callers={n}", "ops_s"), J(name, "ops_s"), kind="rate",
                ng_rounds=J(name, "ops_s_rounds"))
            row(s + " (virtual-thread callers, JDK 25)", f"{n} virtual caller{'s' if n > 1 else ''}, p50 latency of each call",
                "CNI `Do` p50", R(f"Go CNIDoNoop/callers={n}", "p50_us"), J(name, "p50_us"),
                ng_rounds=J(name, "p50_us_rounds"))

    s = "NetNS.call, body opens a listening socket on 127.0.0.1:0 and closes it"
    row(s, "1 caller, mean", "CNI `Do(net.Listen+Close)` mean", R("Go CNIDoListen/callers=1"),
        J("ListenBench.callListen", "avgt_us"), floor_label="C socket+bind+listen+close in the ns",
        floor_v=R("C socket_bind_listen_close (in ns)"), target=1.0,
        ng_rounds=J("ListenBench.callListen", "avgt_us_rounds"), ref_rounds=R("Go CNIDoListen/callers=1", "rounds_us"))
    row(s, "1 caller, p50", "CNI `Do(net.Listen+Close)` p50", R("Go CNIDoListen/callers=1", "p50_us"),
        J("ListenBench.callListen", "p50_us"), floor_label="C spin handoff + listen body",
        floor_v=R("C handoff_spin_listen_close_in_ns"), target=1.0,
        ng_rounds=J("ListenBench.callListen", "p50_us_rounds"))
    row(s, "1 caller, mean, vs raw-syscall body", "CNI `Do(raw socket/bind/listen/close)` mean",
        R("Go CNIDoRawListen/callers=1"), J("ListenBench.callListen", "avgt_us"),
        ng_rounds=J("ListenBench.callListen", "avgt_us_rounds"))
    row(s, "4 callers, aggregate throughput", "CNI `Do(net.Listen+Close)` ops/s", R("Go CNIDoListen/callers=4", "ops_s"),
        J("ListenBench.callListen4", "ops_s"), kind="rate", ng_rounds=J("ListenBench.callListen4", "ops_s_rounds"))
    row(s, "socket born inside (`openServerSocketChannel`), bind+close on the caller, mean",
        "CNI `Do(net.Listen+Close)` mean", R("Go CNIDoListen/callers=1"), J("ListenBench.bornInsideListen", "avgt_us"),
        ng_rounds=J("ListenBench.bornInsideListen", "avgt_us_rounds"))
    row(s, "baseline: same body in the host ns, no `call`, mean", "Go `net.Listen+Close` in the host ns",
        R("Go HostListen/net.Listen"), J("ListenBench.hostListen", "avgt_us"),
        floor_label="C socket+bind+listen+close", floor_v=R("C socket_bind_listen_close"),
        ng_rounds=J("ListenBench.hostListen", "avgt_us_rounds"))

    s = "Namespace lifecycle"
    row(s, "`createNamed` + `close` + `deleteNamed`", "CNI `testutils.NewNS` + `Close` + `UnmountNS`",
        R("Go CNINewNSUnmount"), J("LifecycleBench.createNamedDeleteNamed", "avgt_us"),
        floor_label="C unshare + bind mount + destroy", floor_v=R("C netns_create_bindmount_destroy"), target=0.7,
        ng_rounds=J("LifecycleBench.createNamedDeleteNamed", "avgt_us_rounds"), ref_rounds=R("Go CNINewNSUnmount", "rounds_us"))
    row(s, "`createNamed` + `close` + `deleteNamed` vs vishvananda", "vishvananda `NewNamed` + `DeleteNamed`",
        R("Go VishNewNamedDelete"), J("LifecycleBench.createNamedDeleteNamed", "avgt_us"))
    row(s, "`create` + `close` (anonymous)", "C `unshare` + `setns` back (kernel floor)", R("C netns_create_destroy"),
        J("LifecycleBench.createClose", "avgt_us"), ng_rounds=J("LifecycleBench.createClose", "avgt_us_rounds"))

    g = summarise_guard(guard)
    return rows, g


def targets(rows, g, startup):
    """Every target of issue #6 (and the guard targets of #3/#4 it repeats): required, measured, verdict."""
    out = []

    def by_op(section_prefix, op):
        for r in rows:
            if r["section"].startswith(section_prefix) and r["op"] == op:
                return r
        return None

    def add(name, required, measured, ok, margin):
        out.append({"target": name, "required": required, "measured": measured, "met": ok, "margin": margin})

    def time_target(name, r, t, req_text):
        if not r or r["ratio"] is None:
            add(name, req_text, "no data", None, "")
            return
        ok = r["ratio"] <= t
        over = r["ratio"] / t
        margin = (f"{(1 - over) * 100:.0f} % better than required" if ok
                  else (f"missed: {(over - 1) * 100:.0f} % slower than allowed" if over < 2
                        else f"missed: {over:.1f}× the allowed time") + f" (needs ≤ {t:.2f}×, got {r['ratio']:.2f}×)")
        add(name, req_text, f"{r['ratio']:.2f}× ({fmt_us(r['ng'])} vs {fmt_us(r['ref'])})", ok, margin)

    time_target("`call`, empty body, 1 caller: median latency ≤ one third of CNI `Do`'s",
                by_op("NetNS.call, empty body", "1 caller, p50 latency"), 1 / 3, "≤ 0.33× CNI p50")
    r = by_op("NetNS.call, empty body", "8 callers, aggregate throughput")
    if r and r["ratio"] is not None:
        ok = r["ratio"] >= 2
        add("`call`, empty body, 8 callers: ≥ 2× CNI's aggregate throughput", "≥ 2.00× CNI ops/s",
            f"{r['ratio']:.2f}× ({fmt_rate(r['ng'])} vs {fmt_rate(r['ref'])})", ok,
            f"{(r['ratio'] / 2 - 1) * 100:.0f} % above required" if ok
            else f"missed: {(1 - r['ratio'] / 2) * 100:.0f} % short (needs 2.00×, got {r['ratio']:.2f}×)")
    else:
        add("`call`, empty body, 8 callers: ≥ 2× CNI's aggregate throughput", "≥ 2.00× CNI ops/s", "no data", None, "")
    time_target("`call` with the listen body faster than CNI `Do` with the same body (mean)",
                by_op("NetNS.call, body opens", "1 caller, mean"), 1.0, "< 1.00× CNI mean")
    time_target("`call` with the listen body faster than CNI `Do` with the same body (p50)",
                by_op("NetNS.call, body opens", "1 caller, p50"), 1.0, "< 1.00× CNI p50")
    time_target("`createNamed` + `deleteNamed` at most 0.7× CNI `NewNS` + `UnmountNS`",
                by_op("Namespace lifecycle", "`createNamed` + `close` + `deleteNamed`"), 0.7, "≤ 0.70× CNI")
    if g:
        for b, m, t, label in (("socketOpenClose", "report", 0.95, "report mode, socket open/close"),
                               ("tcpConnectAcceptClose", "report", 0.98, "report mode, TCP connect loop"),
                               ("tcpConnectRst", "report", 0.98, "report mode, TCP connect loop closed with RST"),
                               ("httpNewConnection", "report", 0.98, "report mode, HTTP loop, new connection per request"),
                               ("httpKeepAlive", "report", 0.98, "report mode, HTTP loop on a kept-alive connection"),
                               ("socketOpenClose", "strict", 0.90, "strict mode, socket open/close"),
                               ("tcpConnectRst", "strict", 0.97, "strict mode, TCP connect loop closed with RST"),
                               ("httpNewConnection", "strict", 0.97, "strict mode, HTTP loop, new connection per request"),
                               ("tcpConnectAcceptClose", "strict", 0.90, "strict mode, TCP connect loop"),
                               ("executorLoopInScope", "report", 0.95, "propagation (executor loop in a scope), report"),
                               ("executorLoopInScope", "strict", 0.95, "propagation (executor loop in a scope), strict"),
                               ("executorLoop", "report", 0.98, "no network work pays nothing measurable, report"),
                               ("executorLoop", "strict", 0.95, "no network work pays nothing measurable, strict")):
            me = g["benchmarks"].get(b, {}).get("modes", {}).get(m)
            name = f"guard, {label}: ≥ {t:.2f} of no-agent speed"
            if not me or me["ratio"] is None:
                add(name, f"≥ {t:.2f}", "no data", None, "")
                continue
            ok = me["ratio"] >= t
            pts = abs(me["ratio"] - t) * 100
            add(name, f"≥ {t:.2f}", f"{me['ratio']:.2f} [{min(me['ratio_rounds']):.2f}–{max(me['ratio_rounds']):.2f}]", ok,
                f"{pts:.0f} point{'s' if round(pts) != 1 else ''} above" if ok
                else f"missed by {pts:.0f} point{'s' if round(pts) != 1 else ''}")
    if startup and startup.get("results"):
        for r in startup["results"]:
            if r["mode"] in ("report", "strict") and r.get("program", "Hello") == "Hello":
                ok = r["delta_ms"] <= STARTUP_BUDGET_MS
                jdk = "JDK 25" if "25" in r["java"] else "JDK 17"
                add(f"agent startup ({jdk}, {r['mode']}): ≤ {STARTUP_BUDGET_MS} ms added to a hello-world JVM",
                    f"≤ {STARTUP_BUDGET_MS} ms", f"+{r['delta_ms']:.0f} ms", ok,
                    f"{STARTUP_BUDGET_MS - r['delta_ms']:.0f} ms under" if ok
                    else f"missed by {r['delta_ms'] - STARTUP_BUDGET_MS:.0f} ms"
                         f" ({(r['delta_ms'] / STARTUP_BUDGET_MS - 1) * 100:.0f} % over)")
    return out


def render(rows, g, startup, ref, jmh, meta, refenv):
    L = []
    p = L.append
    p("<!-- generated by bench/summarize.py -->")
    if meta:
        p("```")
        p(meta.strip())
        p("```")
        p("")
    if refenv.get("load"):
        p("Reference rounds (load average at start and end):")
        p("")
        p("```")
        for l in refenv["load"]:
            p(l)
        p("```")
        p("")
    p("Ratio = netns-guard ÷ reference. For times lower is better, for throughput (ops/s) higher is better. "
      "netns-guard: median over rounds of each round's JMH result; reference: median of all repetitions of all "
      "rounds (Go testing.B, C nsbench). Per-round values show the drift of a shared machine.")
    p("")
    section = None
    for r in rows:
        if r["section"] != section:
            if section is not None:
                p("")
            section = r["section"]
            p(f"### {section}")
            p("")
            p("| operation | reference | kernel floor (C) | netns-guard | ratio | target | per-round netns-guard |")
            p("|---|---|---|---|---|---|---|")
        f = fmt_rate if r["kind"] == "rate" else fmt_us
        ref_cell = f"{r['ref_label']}: {f(r['ref'])}"
        floor_cell = f"{r['floor_label']}: {fmt_us(r['floor'])}" if r["floor_label"] else ""
        if r["target"] is None:
            target = ""
        else:
            target = ("≤ " if r["kind"] == "time" else "≥ ") + (f"{r['target']:.2f}×" if r["target"] != 1 / 3 else "0.33× (one third)")
            target += " ✅" if r["met"] else (" ❌" if r["met"] is False else " (no data)")
        rounds = " / ".join(f(v) for v in r["ng_rounds"]) if len(r["ng_rounds"]) > 1 else ""
        p(f"| {r['op']} | {ref_cell} | {floor_cell} | **{f(r['ng'])}** | {fmt_ratio(r['ratio'])} | {target} | {rounds} |")
    p("")
    if g:
        p("### Guard cost: speed relative to the same JVM without the agent")
        p("")
        p(f"JDK {g['jdk']}; {g['rounds']} rounds; in each round every mode ran in its own JMH fork, modes interleaved. "
          "Ratio = no-agent time ÷ mode time (1.00 = no cost, 0.95 = 5 % slower), median of the per-round ratios; "
          "the range over rounds follows in brackets.")
        p("")
        modes = [m for m in g["modes"] if m != "none"]
        p("| benchmark | no agent | " + " | ".join(f"`{m}`" for m in modes) + " | targets |")
        p("|---|---|" + "---|" * len(modes) + "---|")
        for b, e in g["benchmarks"].items():
            label, floor = GUARD_LABELS.get(b, (b, None))
            floor_txt = ""
            if floor and ref.get(floor):
                floor_txt = f" (C: {fmt_us(ref[floor]['median_us'])})"
            cells = []
            for m in modes:
                me = e["modes"].get(m)
                if not me or me["ratio"] is None:
                    cells.append("failed" if e["errors"] else "–")
                    continue
                t = GUARD_TARGETS.get(b, {}).get(m)
                mark = "" if t is None else (" ✅" if me["ratio"] >= t else " ❌")
                rng = f" [{min(me['ratio_rounds']):.2f}–{max(me['ratio_rounds']):.2f}]" if len(me["ratio_rounds"]) > 1 else ""
                cells.append(f"**{me['ratio']:.2f}**{mark}{rng}")
            target_txt = ", ".join(f"{m} ≥ {v:.2f}" for m, v in GUARD_TARGETS.get(b, {}).items())
            p(f"| {label} | {fmt_us(e['none_us'])}{floor_txt} | " + " | ".join(cells) + f" | {target_txt} |")
            if e["errors"]:
                p(f"|  ↳ failures: {'; '.join(e['errors'])[:300]} | | " + " | " * len(modes) + " |")
        p("")
        for name, label in (("C readlink_thread_self_ns_net", "`readlink(/proc/thread-self/ns/net)` (C)"),
                            ("C getpid_syscall_floor", "`getpid` syscall floor (C)")):
            if ref.get(name):
                p(f"- {label}: {fmt_us(ref[name]['median_us'])}")
        p("")
    else:
        p("### Guard cost")
        p("")
        p("Not measured in this run (no agent jar).")
        p("")
    tl = targets(rows, g, startup)
    if tl:
        p("### Targets")
        p("")
        p("| target | required | measured | verdict |")
        p("|---|---|---|---|")
        for t in tl:
            verdict = "✅ met" if t["met"] else ("❌ " if t["met"] is False else "") + (t["margin"] or "no data")
            if t["met"]:
                verdict += f" ({t['margin']})"
            p(f"| {t['target']} | {t['required']} | {t['measured']} | {verdict} |")
        p("")
    if startup and startup.get("results"):
        p("### Agent startup: hello-world JVM")
        p("")
        p(f"{startup['runs']} runs of each variant, interleaved; wall time from process start to exit. `Hello` prints"
          " a line; `HelloConnect` first makes one loopback TCP connection (the socket classes' instrumentation"
          " lands there).")
        p("")
        p("| java | program | mode | median | min – max | vs no agent |")
        p("|---|---|---|---|---|---|")
        for r in startup["results"]:
            p(f"| `{r['java']}` | {r.get('program', 'Hello')} | {r['mode']} | {r['median_ms']:.0f} ms | "
              f"{r['min_ms']:.0f} – {r['max_ms']:.0f} ms | {r['delta_ms']:+.0f} ms |")
        p("")
        p(f"Target (performance issue #16): the agent adds at most {STARTUP_BUDGET_MS} ms to `Hello`.")
        p("")
    return "\n".join(L)


# ------------------------------------------------------------------ SVG charts (no dependencies)

COLORS = {"netns-guard (platform threads)": "#1f77b4", "netns-guard (virtual threads, JDK 25)": "#17becf",
          "CNI Do (Go)": "#d62728", "Go locked-worker handoff": "#ff7f0e",
          "off": "#7f7f7f", "report": "#2ca02c", "strict": "#9467bd"}


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Svg:
    def __init__(self, w, h):
        self.w, self.h, self.parts = w, h, []

    def add(self, s):
        self.parts.append(s)

    def text(self, x, y, s, size=12, anchor="start", weight="normal", color="#222", rotate=None):
        tr = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
                 f'fill="{color}"{tr}>{esc(s)}</text>')

    def line(self, x1, y1, x2, y2, color="#999", width=1, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" stroke-width="{width}"{d}/>')

    def rect(self, x, y, w, h, color, title=None):
        t = f"<title>{esc(title)}</title>" if title else ""
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{color}">{t}</rect>')

    def polyline(self, pts, color, dash=None, width=2):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<polyline fill="none" stroke="{color}" stroke-width="{width}"{d} points="'
                 + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        for x, y in pts:
            self.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>')

    def save(self, path):
        with open(path, "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.w}" height="{self.h}" '
                    f'viewBox="0 0 {self.w} {self.h}" font-family="DejaVu Sans, Arial, sans-serif">\n'
                    f'<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(self.parts) + "\n</svg>\n")


def nice_ticks(lo, hi, n=5):
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=mag * 10)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while not ticks or ticks[-1] < hi:
        ticks.append(round(t, 10))
        t += step
    return ticks


def panel(svg, x0, y0, w, h, title, xlabel, ylabel, series, log=False, xs=(1, 2, 4, 8), fmt=lambda v: f"{v:g}",
          hlines=()):
    """series: [(label, [(x, y)], dash)]; hlines: [(label, y)] drawn as thin reference lines"""
    svg.text(x0 + w / 2, y0 - 12, title, size=14, anchor="middle", weight="bold")
    hlines = [(label, v) for label, v in hlines if v]
    ys = [y for _, pts, _ in series for _, y in pts if y] + [v for _, v in hlines]
    if not ys:
        svg.text(x0 + w / 2, y0 + h / 2, "no data", anchor="middle")
        return
    if log:
        lo = 10 ** math.floor(math.log10(min(ys)))
        hi = 10 ** math.ceil(math.log10(max(ys)))
        ticks = []
        t = lo
        while t <= hi * 1.0001:
            for m in (1, 2, 5):
                if lo <= t * m <= hi * 1.0001:
                    ticks.append(t * m)
            t *= 10
        fy = lambda v: y0 + h - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * h
    else:
        ticks = nice_ticks(0, max(ys) * 1.1)
        lo, hi = 0, ticks[-1]
        fy = lambda v: y0 + h - (v - lo) / (hi - lo) * h
    xi = {x: i for i, x in enumerate(xs)}
    fx = lambda x: x0 + 30 + xi[x] * (w - 60) / (len(xs) - 1)
    svg.line(x0, y0 + h, x0 + w, y0 + h, color="#444")
    svg.line(x0, y0, x0, y0 + h, color="#444")
    for t in ticks:
        y = fy(t)
        svg.line(x0, y, x0 + w, y, color="#e5e5e5")
        svg.text(x0 - 6, y + 4, fmt(t), size=11, anchor="end")
    for x in xs:
        svg.text(fx(x), y0 + h + 16, str(x), size=11, anchor="middle")
    svg.text(x0 + w / 2, y0 + h + 34, xlabel, size=12, anchor="middle")
    svg.text(x0 - 48, y0 + h / 2, ylabel, size=12, anchor="middle", rotate=-90)
    for label, v in hlines:
        svg.line(x0, fy(v), x0 + w, fy(v), color="#888", width=1, dash="1,3")
        svg.text(x0 + w - 4, fy(v) - 4, f"{label}: {v:.2g}", size=10, anchor="end", color="#666")
    for label, pts, dash in series:
        pts = [(x, y) for x, y in pts if y]
        if pts:
            svg.polyline([(fx(x), fy(y)) for x, y in pts], COLORS.get(label, "#000"), dash=dash)


def chart_callers(summary, path):
    ref, jmh = summary["reference"], summary["jmh"]
    ns = (1, 2, 4, 8)

    def series(getter):
        return [(n, getter(n)) for n in ns]

    lat = [
        ("netns-guard (platform threads)", series(lambda n: jmh.get(f"CallBench.callers{n}", {}).get("p50_us")), None),
        ("netns-guard (virtual threads, JDK 25)",
         series(lambda n: jmh.get(f"VirtualCallBench.virtualCallers[callers={n}]", {}).get("p50_us")), "6,3"),
        ("CNI Do (Go)", series(lambda n: ref.get(f"Go CNIDoNoop/callers={n}", {}).get("p50_us")), None),
        ("Go locked-worker handoff", series(lambda n: ref.get(f"Go LockedWorkerHandoff/noop/callers={n}", {}).get("p50_us")), "2,3"),
    ]
    thr = [
        ("netns-guard (platform threads)", series(lambda n: (jmh.get(f"CallBench.callers{n}", {}).get("ops_s") or 0) / 1e3), None),
        ("netns-guard (virtual threads, JDK 25)",
         series(lambda n: (jmh.get(f"VirtualCallBench.virtualCallers[callers={n}]", {}).get("ops_s") or 0) / 1e3), "6,3"),
        ("CNI Do (Go)", series(lambda n: (ref.get(f"Go CNIDoNoop/callers={n}", {}).get("ops_s") or 0) / 1e3), None),
        ("Go locked-worker handoff", series(lambda n: (ref.get(f"Go LockedWorkerHandoff/noop/callers={n}", {}).get("ops_s") or 0) / 1e3), "2,3"),
    ]
    svg = Svg(980, 470)
    svg.text(490, 24, "Run an empty body in a network namespace: latency and throughput vs concurrent callers",
             size=15, anchor="middle", weight="bold")
    floors = [("C setns round trip", ref.get("C setns_roundtrip", {}).get("median_us")),
              ("C futex ping-pong, one vCPU", ref.get("C pingpong_futex_same_cpu", {}).get("median_us"))]
    panel(svg, 80, 70, 380, 300, "p50 latency of each call (log scale)", "concurrent callers", "µs", lat, log=True,
          hlines=floors)
    panel(svg, 570, 70, 380, 300, "aggregate throughput", "concurrent callers", "thousand calls/s", thr)
    x = 80
    for label, pts, dash in lat:
        if any(y for _, y in pts):
            svg.line(x, 430, x + 26, 430, color=COLORS[label], width=3, dash=dash)
            svg.text(x + 32, 434, label, size=12)
            x += 40 + 7 * len(label)
    svg.text(490, 460, "medians of one run on a shared 2-vCPU VM: " + summary.get("date", ""), size=11, anchor="middle",
             color="#666")
    svg.save(path)


def chart_guard(summary, path):
    g = summary.get("guard")
    svg = Svg(980, 470)
    svg.text(490, 24, "Guard cost: speed relative to the same JVM without the agent (1.0 = free)", size=15,
             anchor="middle", weight="bold")
    if not g:
        svg.text(490, 240, "not measured (no agent jar)", size=14, anchor="middle")
        svg.save(path)
        return
    benches = list(g["benchmarks"])
    modes = [m for m in g["modes"] if m != "none"]
    x0, y0, w, h = 80, 60, 860, 300
    vals = [e["modes"].get(m, {}).get("ratio") for e in g["benchmarks"].values() for m in modes]
    vals = [v for v in vals if v]
    lo = min(0.5, math.floor(min(vals + [1]) * 10) / 10)
    hi = max(1.1, math.ceil(max(vals + [1]) * 10) / 10)
    fy = lambda v: y0 + h - (v - lo) / (hi - lo) * h
    t = lo
    while t <= hi + 1e-9:
        svg.line(x0, fy(t), x0 + w, fy(t), color="#e5e5e5" if abs(t - 1) > 1e-9 else "#444",
                 width=1 if abs(t - 1) > 1e-9 else 1.5)
        svg.text(x0 - 6, fy(t) + 4, f"{t:.1f}", size=11, anchor="end")
        t = round(t + 0.1, 10)
    svg.text(x0 - 48, y0 + h / 2, "no-agent time ÷ mode time", size=12, anchor="middle", rotate=-90)
    gw = w / max(len(benches), 1)
    bw = gw * 0.75 / max(len(modes), 1)
    short = {"socketOpenClose": "socket open/close", "tcpConnectAcceptClose": "TCP connect/accept/close",
             "tcpConnectRst": "TCP connect, RST", "httpNewConnection": "HTTP, new connection",
             "httpKeepAlive": "HTTP, kept alive",
             "dnsLookupHosts": "DNS (/etc/hosts)", "processStartTrue": "process start",
             "executorLoop": "executor, no scope", "executorLoopInScope": "executor, in scope"}
    for i, b in enumerate(benches):
        gx = x0 + i * gw + gw * 0.125
        for k, m in enumerate(modes):
            v = g["benchmarks"][b]["modes"].get(m, {}).get("ratio")
            if v:
                top = fy(max(v, lo))
                svg.rect(gx + k * bw, min(top, fy(lo)), bw - 2, abs(fy(lo) - top), COLORS.get(m, "#555"),
                         title=f"{b} {m}: {v:.3f}")
                svg.text(gx + k * bw + bw / 2 - 1, top - 4, f"{v:.2f}", size=10, anchor="middle")
            t = GUARD_TARGETS.get(b, {}).get(m)
            if t:
                svg.line(gx + k * bw - 1, fy(t), gx + (k + 1) * bw - 1, fy(t), color="#000", width=2, dash="3,2")
        svg.text(x0 + i * gw + gw / 2, y0 + h + 18, short.get(b, b), size=11, anchor="middle")
    x = 80
    for m in modes:
        svg.rect(x, 412, 14, 14, COLORS.get(m, "#555"))
        svg.text(x + 20, 424, f"agent mode={m}", size=12)
        x += 150
    svg.line(x, 419, x + 26, 419, color="#000", width=2, dash="3,2")
    svg.text(x + 32, 424, "target (issues #3/#4)", size=12)
    svg.text(490, 455, f"JDK {g.get('jdk')}, median of {g.get('rounds')} interleaved rounds on a shared 2-vCPU VM: "
             + summary.get("date", ""), size=11, anchor="middle", color="#666")
    svg.save(path)


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="compare.sh output directory")
    ap.add_argument("--summary-json", help="also write the summary here")
    ap.add_argument("--charts", help="write the SVG charts into this directory")
    ap.add_argument("--from-summary", help="only draw charts from an existing summary JSON")
    a = ap.parse_args()
    if a.from_summary:
        summary = json.load(open(a.from_summary))
    else:
        if not a.out:
            ap.error("--out or --from-summary")
        ref, refenv = load_reference(a.out)
        jmh = load_jmh(a.out)
        guard = load_json(os.path.join(a.out, "guard.json"))
        startup = load_json(os.path.join(a.out, "startup.json"))
        meta_path = os.path.join(a.out, "meta.txt")
        meta = open(meta_path).read() if os.path.exists(meta_path) else ""
        rows, g = build(ref, jmh, guard, startup)
        md = render(rows, g, startup, ref, jmh, meta, refenv)
        print(md)
        with open(os.path.join(a.out, "table.md"), "w") as f:
            f.write(md + "\n")
        date = re.search(r"^date: (\S+)", meta, re.M)
        summary = {"date": date.group(1) if date else "", "meta": meta, "reference_env": refenv, "rows": rows,
                   "targets": targets(rows, g, startup),
                   "reference": ref, "jmh": jmh, "guard": g, "startup": startup}
        path = a.summary_json or os.path.join(a.out, "summary.json")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            json.dump(summary, f, indent=1, ensure_ascii=False)
    if a.charts:
        os.makedirs(a.charts, exist_ok=True)
        chart_callers(summary, os.path.join(a.charts, "call-latency-vs-callers.svg"))
        chart_guard(summary, os.path.join(a.charts, "guard-overhead.svg"))
        print(f"charts: {a.charts}/call-latency-vs-callers.svg, {a.charts}/guard-overhead.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
