package dev.netnsguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link GuardBench} with no agent and with the agent in each mode, as separate JMH forks,
 * interleaved: for every round and benchmark, one fork per mode (the order rotates each round), so
 * that drift of a shared machine hits every mode alike. Prints, and writes as JSON, each fork's
 * score and each mode's ratio to no agent (median over rounds of the per-round ratios).
 *
 * <pre>
 * java -cp netns-guard-benchmarks.jar dev.netnsguard.bench.GuardMain \
 *     [--rounds 3] [--warmup 3] [--iterations 5] [--time-ms 1000] [--modes none,off,report,strict]
 *     [--benchmarks socketOpenClose,...] [--out guard.json] [--log-dir DIR]
 * </pre>
 * The agent jar: {@code -Dngbench.agent=PATH}, else found next to the checkout (see {@link Agent}).
 * Without it only the no-agent forks run.
 *
 * <p>The forks inherit this JVM's CPU affinity, which is recorded with the results: bench/compare.sh
 * and bench/guard-ab.sh start it under {@code taskset -c} on one vCPU, for the reason bench/README.md
 * gives ("Why the guard's benchmarks run on one vCPU").
 */
public final class GuardMain {
    static final List<String> BENCHMARKS = List.of("socketOpenClose", "tcpConnectAcceptClose", "tcpConnectRst", "httpNewConnection", "httpKeepAlive", "dnsLookupHosts",
            "processStartTrue", "executorLoop", "executorLoopInScope", "tcpWriteRead", "tcpWriteReadInScope");
    static final List<String> MODES = List.of("none", "off", "report", "strict");
    static final String[] BASE_JVM_ARGS = {"-Dsun.net.inetaddr.ttl=0", "-Dsun.net.inetaddr.negative.ttl=0"};
    /**
     * The least warm-up, in milliseconds, of the benchmarks that run through much of the JDK's HTTP
     * code: on one vCPU, shared with the JIT, they reach their steady speed only after 6 to 7 seconds
     * (before it, 2 to 3 times slower), and a measurement that catches the end of it measures the JIT.
     * Applied when warm-up is asked for at all ({@code --warmup 0} is a smoke run).
     */
    static final Map<String, Long> WARMUP_FLOOR_MS = Map.of("httpNewConnection", 9_000L, "httpKeepAlive", 9_000L);

    public static void main(String[] args) throws IOException, RunnerException {
        Map<String, String> opt = parse(args);
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "3"));
        int iterations = Integer.parseInt(opt.getOrDefault("iterations", "5"));
        long timeMs = Long.parseLong(opt.getOrDefault("time-ms", "1000"));
        List<String> benchmarks = list(opt.get("benchmarks"), BENCHMARKS);
        List<String> modes = new ArrayList<>(list(opt.get("modes"), MODES));
        Path out = Path.of(opt.getOrDefault("out", "guard.json"));
        Path logDir = Path.of(opt.getOrDefault("log-dir", out.toAbsolutePath().getParent().resolve("guard-logs").toString()));
        Files.createDirectories(logDir);

        Optional<Path> agent = Agent.jar();
        if (agent.isEmpty()) {
            System.out.println("GuardMain: no agent jar (-Dngbench.agent or agent/target/" + Agent.JAR_NAME
                    + "): running the no-agent forks only");
            modes.retainAll(List.of("none"));
        } else {
            System.out.println("GuardMain: agent " + agent.get());
        }

        String cpus = allowedCpus();
        System.out.println("GuardMain: the forks may run on CPUs " + cpus
                + (cpus.matches("\\d+") ? "" : " (not pinned to one: see bench/README.md)"));

        List<Map<String, Object>> rows = new ArrayList<>();
        Set<String> forkJdks = new LinkedHashSet<>();
        for (int round = 1; round <= rounds; round++) {
            for (String benchmark : benchmarks) {
                for (int k = 0; k < modes.size(); k++) {
                    String mode = modes.get((k + round - 1) % modes.size());
                    List<String> jvmArgs = new ArrayList<>(Arrays.asList(BASE_JVM_ARGS));
                    jvmArgs.add("-Dngbench.guard.mode=" + mode);
                    Path log = logDir.resolve(benchmark + "-" + mode + "-r" + round + ".txt");
                    Path violations = logDir.resolve(benchmark + "-" + mode + "-r" + round + ".violations.jsonl");
                    Files.deleteIfExists(violations);
                    if (!mode.equals("none")) {
                        String option = Agent.javaagentOption(agent.get(), mode);
                        if (mode.equals("report") && System.getProperty("ngbench.agent.options") == null) {
                            // correct code reports nothing; a report here would mean the benchmark measured
                            // the violation path, not the check
                            option += ",report-file=" + violations;
                        }
                        jvmArgs.add(option);
                    }
                    int warm = warmupIterations(benchmark, warmup, timeMs);
                    ChainedOptionsBuilder b = new OptionsBuilder()
                            .include(GuardBench.class.getName() + "." + benchmark + "$")
                            .forks(1)
                            .warmupIterations(warm)
                            .measurementIterations(iterations)
                            .warmupTime(TimeValue.milliseconds(timeMs))
                            .measurementTime(TimeValue.milliseconds(timeMs))
                            .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                            .shouldFailOnError(true)
                            .verbosity(VerboseMode.NORMAL)
                            .output(log.toString());
                    if (opt.containsKey("jvm")) {
                        b.jvm(opt.get("jvm"));
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("benchmark", benchmark);
                    row.put("mode", mode);
                    row.put("round", round);
                    row.put("warmup", warm);
                    long t0 = System.nanoTime();
                    try {
                        RunResult result = new Runner(b.build()).runSingle();
                        BenchmarkResult br = result.getBenchmarkResults().iterator().next();
                        List<Double> its = new ArrayList<>();
                        for (IterationResult ir : br.getIterationResults()) {
                            its.add(ir.getPrimaryResult().getScore());
                        }
                        forkJdks.add(result.getParams().getVmVersion());
                        row.put("score", result.getPrimaryResult().getScore());
                        row.put("unit", result.getPrimaryResult().getScoreUnit());
                        row.put("iterations", its);
                    } catch (RunnerException | RuntimeException e) {
                        row.put("error", String.valueOf(e.getMessage()) + " (see " + log + ")");
                    }
                    if (Files.exists(violations) && Files.size(violations) > 0) {
                        long n = Files.readAllLines(violations).size();
                        row.put("violations", n);
                        System.out.println("WARNING: " + n + " violations reported in " + violations
                                + ": this benchmark is not correct use, its numbers measure the reporting path");
                    }
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "round %d  %-22s %-7s %s  (%.0f s)%n", round, benchmark, mode,
                            row.containsKey("score") ? String.format(Locale.ROOT, "%.3f %s", (Double) row.get("score"), row.get("unit"))
                                    : "FAILED: " + row.get("error"),
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }

        StringBuilder json = new StringBuilder();
        json.append("{\n  \"agent\": ").append(agent.map(p -> quote(p.toString())).orElse("null"))
                .append(",\n  \"agentOptions\": ").append(quote(System.getProperty("ngbench.agent.options", "mode={mode}")))
                .append(",\n  \"jdk\": ").append(quote(forkJdks.isEmpty() ? "none ran" : String.join(", ", forkJdks)))
                .append(",\n  \"cpus\": ").append(quote(cpus))
                .append(",\n  \"rounds\": ").append(rounds)
                .append(",\n  \"warmup\": ").append(warmup)
                .append(",\n  \"iterations\": ").append(iterations)
                .append(",\n  \"timeMs\": ").append(timeMs)
                .append(",\n  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            json.append("    ").append(toJson(rows.get(i))).append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        json.append("  ]\n}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json);
        printRatios(rows, benchmarks, modes, rounds);
        System.out.println("GuardMain: wrote " + out);
    }

    /** {@code warmup} iterations of {@code timeMs}, or more where {@link #WARMUP_FLOOR_MS} asks for them. */
    static int warmupIterations(String benchmark, int warmup, long timeMs) {
        long floor = WARMUP_FLOOR_MS.getOrDefault(benchmark, 0L);
        return warmup == 0 ? 0 : (int) Math.max(warmup, (floor + timeMs - 1) / timeMs);
    }

    /** The CPUs this process may run on, as /proc lists them ({@code "1"}, {@code "0-1"}), or "?" where it cannot tell. */
    static String allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring("Cpus_allowed_list:".length()).trim();
                }
            }
        } catch (IOException e) {
            // not Linux, or no /proc: said as unknown
        }
        return "?";
    }

    /** Each mode's speed relative to no agent: median over rounds of (no-agent time / mode time). */
    static void printRatios(List<Map<String, Object>> rows, List<String> benchmarks, List<String> modes, int rounds) {
        System.out.println();
        System.out.println("speed relative to no agent (median over rounds; 1.00 = no cost, 0.95 = 5% slower)");
        System.out.printf(Locale.ROOT, "%-22s %12s", "benchmark", "none us/op");
        for (String m : modes) {
            if (!m.equals("none")) {
                System.out.printf(Locale.ROOT, " %8s", m);
            }
        }
        System.out.println();
        for (String b : benchmarks) {
            double[] none = scores(rows, b, "none", rounds);
            System.out.printf(Locale.ROOT, "%-22s %12.3f", b, median(none));
            for (String m : modes) {
                if (m.equals("none")) {
                    continue;
                }
                double[] s = scores(rows, b, m, rounds);
                double[] ratios = new double[rounds];
                int n = 0;
                for (int r = 0; r < rounds; r++) {
                    if (!Double.isNaN(none[r]) && !Double.isNaN(s[r])) {
                        ratios[n++] = none[r] / s[r];
                    }
                }
                System.out.printf(Locale.ROOT, " %8.3f", median(Arrays.copyOf(ratios, n)));
            }
            System.out.println();
        }
    }

    static double[] scores(List<Map<String, Object>> rows, String benchmark, String mode, int rounds) {
        double[] s = new double[rounds];
        Arrays.fill(s, Double.NaN);
        for (Map<String, Object> row : rows) {
            if (row.get("benchmark").equals(benchmark) && row.get("mode").equals(mode) && row.containsKey("score")) {
                s[(Integer) row.get("round") - 1] = (Double) row.get("score");
            }
        }
        return s;
    }

    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --key value ...; bad argument " + args[i]);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        return opt;
    }

    static List<String> list(String value, List<String> all) {
        return value == null || value.isEmpty() ? all : Arrays.asList(value.split(","));
    }

    static String toJson(Map<String, Object> row) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(quote(e.getKey())).append(": ").append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    static String value(Object v) {
        if (v instanceof String) {
            return quote((String) v);
        }
        if (v instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : (List<?>) v) {
                sb.append(sb.length() > 1 ? ", " : "").append(value(o));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Double) {
            return String.format(Locale.ROOT, "%.6g", (Double) v);
        }
        return String.valueOf(v);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
