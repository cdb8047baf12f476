package dev.netnsguard.demo;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the packaged demo the way {@code demo/run.sh} does, under the real agent, in a JVM of its own,
 * in both modes, and checks its summary: every classic bug caught in report mode and thrown in strict
 * mode, and nothing left behind.
 */
class DemoIT {
    private static final Path DEMO_JAR = Path.of("target", "netns-guard-demo.jar");
    private static final Path AGENT_JAR = Path.of("..", "agent", "target", "netns-guard-agent.jar");

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(NetNS.listNamed().stream().anyMatch(n -> n.startsWith(Topology.PREFIX)),
                "the demo left a namespace: " + NetNS.listNamed());
    }

    private static String runDemo(String... options) throws IOException, InterruptedException {
        return runDemoAs(List.of(), 0, options);
    }

    /** Runs the demo, prefixed by {@code as} (such as setpriv), and expects {@code exit}. */
    private static String runDemoAs(List<String> as, int exit, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(as);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=mode=report,log=none",
                "-Djdk.net.hosts.file=" + Path.of("hosts").toAbsolutePath(),
                "-jar", DEMO_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(options));
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!demo.waitFor(5, TimeUnit.MINUTES)) {
            demo.destroyForcibly();
            throw new AssertionError("the demo did not finish:\n" + output);
        }
        assertEquals(exit, demo.exitValue(), output);
        return output;
    }

    private static List<String> summary(String output) {
        String table = output.substring(output.indexOf("== summary"));
        List<String> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("  ") && !line.strip().startsWith("bug ")) {
                rows.add(line.strip());
            }
        }
        return rows;
    }

    @Test
    void reportModeCatchesEveryClassicBug() throws Exception {
        String output = runDemo();
        assertTrue(Files.exists(DEMO_JAR), "package the demo first (mvn verify)");
        List<String> rows = summary(output);
        assertEquals(5, rows.size(), output);
        for (String row : rows) {
            assertTrue(row.endsWith("caught"), "not caught: " + row + "\n" + output);
        }
        assertTrue(output.contains("everything behaved as shown"), output);
        assertFalse(output.contains("\tat "), "no stack traces unless asked:\n" + output);
    }

    @Test
    void strictModeThrowsAtEveryClassicBug() throws Exception {
        String output = runDemo("--strict");
        List<String> rows = summary(output);
        assertEquals(5, rows.size(), output);
        for (String row : rows) {
            assertTrue(row.endsWith("thrown"), "not thrown: " + row + "\n" + output);
        }
    }

    @Test
    void withoutRootItSaysWhatIsNeededAndMakesNothing() throws Exception {
        List<String> before = NetNS.listNamed();
        String output = runDemoAs(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), 1);
        assertTrue(output.contains("must run as root") && output.contains("CAP_SYS_ADMIN"), output);
        assertFalse(output.contains("\tat "), output);
        assertEquals(before, NetNS.listNamed());
    }

    @Test
    void interruptedMidwayItStillDeletesWhatItCreated() throws Exception {
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=mode=report,log=none",
                "-Djdk.net.hosts.file=" + Path.of("hosts").toAbsolutePath(),
                "-jar", DEMO_JAR.toAbsolutePath().toString()).redirectErrorStream(true).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("== a service born")) {
                // wait until the namespaces exist
            }
            // SIGTERM, as a Ctrl-C would end it (the JVM runs its shutdown hooks for both); through the
            // handle, because Process.destroy() also closes the streams this test still reads.
            demo.toHandle().destroy();
            while (out.readLine() != null) {
                // drain until the demo is gone
            }
        }
        assertTrue(demo.waitFor(5, TimeUnit.MINUTES), "the demo did not end");
    }

    @Test
    void helpSaysWhatItDoesAndChangesNothing() throws Exception {
        String output = runDemo("--help");
        assertTrue(output.contains("--strict") && output.contains("--keep"), output);
    }
}
