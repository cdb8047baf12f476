package dev.netnsguard.agent.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs a scenario program (or the agent jar's commands) in a JVM of the same java as the tests. */
final class ForkedJvm {
    /** The packaged agent jar as built. */
    static final Path BUILT_AGENT_JAR = Path.of(System.getProperty("netnsguard.test.agentJar",
            "target/netns-guard-agent.jar")).toAbsolutePath();
    /**
     * Private copies of what the forked JVMs run (agent jar, test classes, runtime jar), so that a
     * concurrent build of the same checkout cannot swap them mid-run.
     */
    static final Path SNAPSHOT = snapshotDir();
    static final Path AGENT_JAR = snapshot(BUILT_AGENT_JAR);
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final int FEATURE = Runtime.version().feature();

    /** Own threads for the stream readers: the common pool may have one thread on a small machine. */
    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "ngtest-ag-reader");
        thread.setDaemon(true);
        return thread;
    });

    /** Scenarios that use the runtime, hence JNA. The others (plain, config, virtual) run with no flag at all. */
    static final java.util.Set<String> USES_JNA = java.util.Set.of("misuse", "correct", "attach-target",
            "threads-target", "programmatic", "jfr", "runtime-tour", "coexist", "native-switch", "virtual-in-scope",
            "propagation", "propagation-correct", "stray", "stray-correct", "dns-cache", "dns-uncached", "sockets", "virtual-correct", "stray-target", "carrier-switch");

    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private String agentArgs;
    private boolean withAgent = true;
    private boolean agentOnClassPath;
    private final List<String> extraClassPath = new ArrayList<>();
    private boolean withRuntime = true;

    static ForkedJvm withAgent(String args) {
        ForkedJvm jvm = new ForkedJvm();
        jvm.agentArgs = args;
        return jvm;
    }

    static ForkedJvm withoutAgent() {
        ForkedJvm jvm = new ForkedJvm();
        jvm.withAgent = false;
        return jvm;
    }

    ForkedJvm jvmArg(String... args) {
        jvmArgs.addAll(Arrays.asList(args));
        return this;
    }

    ForkedJvm env(String key, String value) {
        env.put(key, value);
        return this;
    }

    ForkedJvm agentOnClassPath() {
        agentOnClassPath = true;
        return this;
    }

    ForkedJvm withoutRuntime() {
        withRuntime = false;
        return this;
    }

    ForkedJvm classPath(String entry) {
        extraClassPath.add(entry);
        return this;
    }

    private static Path snapshotDir() {
        try {
            Path dir = Files.createTempDirectory("ngtest-ag-jars-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Path snapshot(Path source) {
        try {
            Path target = SNAPSHOT.resolve(Integer.toHexString(source.toString().hashCode()) + "-" + source.getFileName());
            if (Files.exists(target)) {
                return target;
            }
            if (Files.isDirectory(source)) {
                try (var paths = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) paths::iterator) {
                        Files.copy(p, target.resolve(source.relativize(p).toString()));
                    }
                }
            } else {
                Files.copy(source, target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Class path of the forked JVM: test classes, the runtime and JNA (never the agent's unshaded classes). */
    static String baseClassPath() {
        return baseClassPath(true);
    }

    static String baseClassPath(boolean withRuntime) {
        List<String> entries = new ArrayList<>();
        entries.add(snapshot(Path.of(System.getProperty("netnsguard.test.testClasses", "target/test-classes"))
                .toAbsolutePath()).toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean runtime = entry.contains("netns-guard-runtime") || entry.endsWith("runtime/target/classes");
            if (name.startsWith("jna-") || (withRuntime && runtime)) {
                entries.add(snapshot(Path.of(entry)).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A jar of the test class path whose file name starts with {@code prefix}. */
    static String testJar(String prefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith(prefix)) {
                return entry;
            }
        }
        throw new IllegalStateException("no " + prefix + "* on the test class path");
    }

    List<String> command(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(jvmArgs);
        if (FEATURE >= 21 && args.length > 0 && USES_JNA.contains(args[0])) {
            // The runtime (the application here) loads JNA, which JDK 22+ warns about; the agent never does.
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (withAgent) {
            cmd.add("-javaagent:" + AGENT_JAR + (agentArgs == null || agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        String cp = baseClassPath(withRuntime);
        if (agentOnClassPath) {
            cp = cp + File.pathSeparator + AGENT_JAR;
        }
        for (String extra : extraClassPath) {
            cp = cp + File.pathSeparator + extra;
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    Result runMain(Class<?> main, String... args) throws Exception {
        return run(command(main.getName(), args));
    }

    Running startMain(Class<?> main, String... args) throws IOException {
        return new Running(launch(command(main.getName(), args)));
    }

    private Process launch(List<String> cmd) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().keySet().removeIf(k -> k.startsWith("NETNSGUARD_"));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(env);
        return builder.start();
    }

    Result run(List<String> cmd) throws Exception {
        Process process = launch(cmd);
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process, false), READERS);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true), READERS);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("forked JVM timed out: " + cmd + "\nstdout:\n" + out.getNow("") + "\nstderr:\n" + err.getNow(""));
        }
        return new Result(cmd, process.exitValue(), out.get(), err.get());
    }

    static String read(Process process, boolean stderr) {
        try {
            return new String((stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /** The agent jar's own commands: java -jar netns-guard-agent.jar ... */
    static Result agentCommand(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", AGENT_JAR.toString()));
        cmd.addAll(Arrays.asList(args));
        return withoutAgent().run(cmd);
    }

    /** A forked JVM that waits for a line on stdin. */
    static final class Running implements AutoCloseable {
        final Process process;
        private final BufferedReader out;
        private final CompletableFuture<String> err;
        private final StringBuilder stdout = new StringBuilder();

        Running(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.err = CompletableFuture.supplyAsync(() -> read(process, true), READERS);
        }

        /** Reads stdout until {@code RESULT key=...}; returns the value. */
        String await(String key) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                stdout.append(line).append('\n');
                if (line.startsWith("RESULT " + key + "=")) {
                    return line.substring(("RESULT " + key + "=").length());
                }
            }
            throw new AssertionError("no " + key + " from the forked JVM; stdout:\n" + stdout + "\nstderr:\n" + err.getNow(""));
        }

        long pid() {
            return process.pid();
        }

        Result finish() throws Exception {
            OutputStream in = process.getOutputStream();
            in.write('\n');
            in.close();
            String line;
            while ((line = out.readLine()) != null) {
                stdout.append(line).append('\n');
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new Result(List.of(), process.waitFor(), stdout.toString(), err.get(30, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.getOutputStream().close();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly(); // only the process this test started, by its handle
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    record Result(List<String> command, int exit, String stdout, String stderr) {
        Map<String, String> results() {
            Map<String, String> results = new HashMap<>();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    int eq = line.indexOf('=');
                    results.put(line.substring(7, eq), line.substring(eq + 1));
                }
            }
            return results;
        }

        String get(String key) {
            return results().get(key);
        }

        long count(String kind) {
            String value = get("count." + kind);
            if (value == null) {
                throw new AssertionError("no count." + kind + " in\n" + this);
            }
            return Long.parseLong(value);
        }

        /** stderr without the lines the guard itself prints for violations. */
        List<String> foreignStderr() {
            return Arrays.stream(stderr.split("\n")).filter(l -> !l.isBlank())
                    .filter(l -> !l.startsWith("netns-guard: "))
                    .collect(Collectors.toList());
        }

        Result ok() {
            if (exit != 0 || !"true".equals(get("done"))) {
                throw new AssertionError("forked JVM failed: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exit + " of " + command + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static List<String> readLines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
