package dev.netnsguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Startup cost of the agent: times {@code java -cp <this jar> dev.netnsguard.bench.Hello} (and
 * {@link HelloConnect}, whose {@code main} makes one loopback connection) N times with no agent and with
 * {@code -javaagent:...=mode=X}, interleaved run by run, and reports the median wall time (process start
 * to exit) of each variant and its difference to no agent.
 *
 * <pre>
 * java -cp netns-guard-benchmarks.jar dev.netnsguard.bench.StartupMain \
 *     [--runs 20] [--modes none,off,report,strict,report+self-test=off] [--programs Hello,HelloConnect]
 *     [--java /usr/lib/jvm/.../bin/java,...] [--out startup.json]
 * </pre>
 */
public final class StartupMain {
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> opt = GuardMain.parse(args);
        int runs = Integer.parseInt(opt.getOrDefault("runs", "20"));
        List<String> modes = new ArrayList<>(GuardMain.list(opt.get("modes"), List.of("none", "off", "report", "strict", "report+self-test=off")));
        List<String> programs = GuardMain.list(opt.get("programs"), List.of(Hello.class.getSimpleName(), HelloConnect.class.getSimpleName()));
        List<String> javas = GuardMain.list(opt.get("java"),
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Path out = Path.of(opt.getOrDefault("out", "startup.json"));
        String cp = Path.of(StartupMain.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();

        Optional<Path> agent = Agent.jar();
        if (agent.isEmpty()) {
            System.out.println("StartupMain: no agent jar: timing the JVM without agent only");
            modes.retainAll(List.of("none"));
        }
        StringBuilder json = new StringBuilder("{\n  \"runs\": " + runs + ",\n  \"results\": [\n");
        boolean firstRow = true;
        for (String java : javas) {
            for (String program : programs) {
                firstRow = time(java, program, modes, runs, cp, agent, json, firstRow);
            }
        }
        json.append("\n  ]\n}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json);
        System.out.println("StartupMain: wrote " + out);
    }

    /** Times one program on one JVM in every mode; appends its rows to {@code json}; false once a row was written. */
    private static boolean time(String java, String program, List<String> modes, int runs, String cp, Optional<Path> agent,
            StringBuilder json, boolean firstRow) throws IOException, InterruptedException {
        Map<String, double[]> times = new LinkedHashMap<>();
        for (String mode : modes) {
            times.put(mode, new double[runs]);
        }
        // one untimed run of each variant fills the page cache and CDS mappings
        for (int r = -1; r < runs; r++) {
            for (int k = 0; k < modes.size(); k++) {
                String mode = modes.get((k + Math.max(r, 0)) % modes.size());
                List<String> cmd = new ArrayList<>(List.of(java));
                if (!mode.equals("none")) {
                    cmd.add(Agent.javaagentOption(agent.get(), mode));
                }
                cmd.addAll(List.of("-cp", cp, Hello.class.getPackageName() + "." + program));
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes());
                int exit = p.waitFor();
                double ms = (System.nanoTime() - t0) / 1e6;
                if (exit != 0 || !output.contains("hello")) {
                    throw new IllegalStateException(String.join(" ", cmd) + ": exit " + exit + "\n" + output);
                }
                if (r >= 0) {
                    times.get(mode)[r] = ms;
                }
            }
        }
        double base = GuardMain.median(times.get("none"));
        System.out.println("StartupMain: " + java + ", " + program + " (" + runs + " runs each, interleaved)");
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            double[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            double med = GuardMain.median(sorted);
            System.out.printf(Locale.ROOT, "  %-21s median %7.1f ms  (min %.1f, max %.1f)  %+7.1f ms vs none%n",
                    e.getKey(), med, sorted[0], sorted[sorted.length - 1], med - base);
            json.append(firstRow ? "" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"java\": %s, \"program\": \"%s\", \"mode\": \"%s\", \"median_ms\": %.2f, \"min_ms\": %.2f, \"max_ms\": %.2f, \"delta_ms\": %.2f}",
                    GuardMain.quote(java), program, e.getKey(), med, sorted[0], sorted[sorted.length - 1], med - base));
            firstRow = false;
        }
        return firstRow;
    }
}
