package dev.netnsguard.junit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a JVM started without {@code -javaagent} (forked, with this module's test class path) the
 * extension installs the guard itself; with the guard's mode off it is off too.
 */
class SelfInstallTest {
    static final int FEATURE = Runtime.version().feature();

    record Fork(int exit, Map<String, String> results, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static Fork fork(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (FEATURE >= 21) {
            cmd.add("-XX:+EnableDynamicAgentLoading"); // JEP 451: an agent loaded into a running JVM, allowed
        }
        if (FEATURE >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // JNA, as the runtime's docs say
        }
        // The examples plant foreign native switches, which the per-thread cache sees only when re-read.
        cmd.add("-Dnetnsguard.recheck-every=1");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SelfInstallMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().keySet().removeIf(k -> k.startsWith("NETNSGUARD_"));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process, false));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly(); // the JVM this test started, by its handle
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("forked JVM did not end: " + cmd);
        }
        Map<String, String> results = new HashMap<>();
        for (String line : out.get().split("\n")) {
            if (line.startsWith("RESULT ")) {
                int eq = line.indexOf('=');
                results.put(line.substring(7, eq), line.substring(eq + 1));
            }
        }
        return new Fork(process.exitValue(), results, out.get(), err.get());
    }

    static String read(Process process, boolean stderr) {
        try {
            return new String((stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Test
    void withoutJavaagentTheExtensionInstallsTheGuardInReportMode() throws Exception {
        Fork fork = fork("-Dnetnsguard.log=none");
        assertEquals(0, fork.exit(), fork.toString());
        assertEquals("true", fork.results().get("done"), fork.toString());
        assertEquals("false", fork.results().get("installed.before"), fork.toString());
        assertEquals("true", fork.results().get("installed.after"), fork.toString());
        assertEquals("report", fork.results().get("mode"), fork.toString());
        assertEquals("2", fork.results().get("succeeded"), fork.toString());
        assertEquals("3", fork.results().get("failed"), fork.toString());
        assertTrue(fork.results().get("failure.violationOnAnotherThread").startsWith(
                "1) SOCKET_OPEN on thread \"ngtest-ju-worker\""), fork.toString());
        assertEquals("", fork.stderr().strip(), "no warning from the attach: " + fork);
    }

    @Test
    void modeOffSwitchesTheExtensionOff() throws Exception {
        Fork fork = fork("-Dnetnsguard.mode=off");
        assertEquals(0, fork.exit(), fork.toString());
        assertEquals("false", fork.results().get("installed.after"), fork.toString());
        assertEquals("5", fork.results().get("succeeded"), fork.toString());
        assertEquals("0", fork.results().get("failed"), fork.toString());
        assertEquals("", fork.stderr().strip(), fork.toString());
    }

    @Test
    void aConfigurationErrorFailsTheGuardedClassInsteadOfRunningItUnguarded() throws Exception {
        Fork fork = fork("-Dnetnsguard.moed=strict");
        assertEquals(0, fork.exit(), fork.toString());
        assertEquals("0", fork.results().get("succeeded"), fork.toString());
        assertEquals("0", fork.results().get("failed"), fork.toString());
        assertEquals("java.lang.IllegalStateException: netns-guard: unknown configuration key 'moed'"
                + " (in system property netnsguard.moed); known keys: mode, report-file, log, expect-outside-scope, allow,"
                + " recheck-every, self-test, propagate, submission-stacks, dns-cache, config-file", fork.results().get("container.failure"), fork.toString());
    }

    @Test
    void inStrictModeTheSameTestsFailAndCarryTheReport() throws Exception {
        Fork fork = fork("-Dnetnsguard.mode=strict", "-Dnetnsguard.log=none");
        assertEquals(0, fork.exit(), fork.toString());
        assertEquals("strict", fork.results().get("mode"), fork.toString());
        assertEquals("2", fork.results().get("succeeded"), fork.toString());
        assertEquals("3", fork.results().get("failed"), fork.toString());
        // on the test's thread the guard throws; the extension's report is attached as suppressed
        assertEquals("dev.netnsguard.NetNSViolationError", fork.results().get("thrown.violationOnTheTestThread"),
                fork.toString());
        assertTrue(fork.results().get("failure.violationOnTheTestThread").startsWith("1) SOCKET_OPEN on thread "),
                fork.toString());
        assertTrue(fork.results().get("failure.violationOnAnotherThread").startsWith(
                "1) SOCKET_OPEN on thread \"ngtest-ju-worker\""), fork.toString());
    }
}
