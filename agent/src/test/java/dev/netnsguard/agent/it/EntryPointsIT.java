package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each entry point, misused for real in a forked JVM under the agent (a thread born inside a
 * namespace without its scope; sockets born in the launch namespace used inside a scope), and the
 * correct patterns, which must stay silent even in strict mode.
 */
class EntryPointsIT {
    static final List<String> MISUSES = List.of("socket", "serversocket", "datagramsocket", "dns", "reverse-dns", "process",
            "netlink", "bind", "connect", "send", "datagramsocket-send");
    static final Map<String, String> KIND_OF = Map.ofEntries(
            Map.entry("socket", "SOCKET_OPEN"),
            Map.entry("serversocket", "SOCKET_OPEN"),
            Map.entry("datagramsocket", "SOCKET_OPEN"),
            Map.entry("dns", "DNS_LOOKUP"),
            Map.entry("reverse-dns", "DNS_LOOKUP"),
            Map.entry("process", "PROCESS_START"),
            Map.entry("netlink", "NETLINK_OPEN"),
            Map.entry("bind", "SOCKET_BIND"),
            Map.entry("connect", "SOCKET_CONNECT"),
            Map.entry("send", "SOCKET_SEND"),
            Map.entry("datagramsocket-send", "SOCKET_SEND"));

    @Test
    void reportModeReportsEveryMisuseWithoutChangingBehaviour(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("violations.jsonl");
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=report,report-file=" + report).runMain(EntryPointsScenario.class, "misuse").ok();
        for (String misuse : MISUSES) {
            assertTrue(r.get("thrown." + misuse) == null, misuse + " must not throw in report mode: " + r);
        }
        assertEquals("true", r.get("ran.socket"), r.toString());
        assertEquals("true", r.get("ran.process"), r.toString());
        assertEquals(3, r.count("SOCKET_OPEN"), r.toString());
        assertEquals(3, r.count("DNS_LOOKUP"), r.toString());
        assertEquals(1, r.count("PROCESS_START"), r.toString());
        assertEquals(1, r.count("NETLINK_OPEN"), r.toString());
        assertEquals(1, r.count("SOCKET_BIND"), r.toString());
        assertEquals(1, r.count("SOCKET_CONNECT"), r.toString());
        assertEquals(2, r.count("SOCKET_SEND"), r.toString());
        assertEquals(0, r.count("STRAY_THREAD"), r.toString());
        assertEquals(12, r.count("total"), r.toString());

        String ns = r.get("ns.inode");
        String launch = r.get("launch.inode");
        assertEquals("SOCKET_OPEN", r.get("first.kind"));
        assertEquals(launch, r.get("first.expected"));
        assertEquals(ns, r.get("first.actual"));
        assertTrue(r.get("first.actualName").startsWith("ngtest-ag-"), r.toString());
        assertEquals("ngtest-stray", r.get("first.thread"));

        List<String> lines = ForkedJvm.readLines(report);
        assertEquals(12, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            assertTrue(line.matches("\\{\"kind\":\"(SOCKET_OPEN|SOCKET_BIND|SOCKET_CONNECT|SOCKET_SEND|DNS_LOOKUP"
                    + "|PROCESS_START|NETLINK_OPEN)\",\"expected\":\\d+,\"actual\":\\d+,.*\"thread\":\"[^\"]+\","
                    + "\"virtual\":false,.*\"stack\":\\[\".*\"\\],\"time\":\"\\d{4}-\\d\\d-\\d\\dT.*Z\"\\}"), line);
        }
        String bind = lines.stream().filter(l -> l.contains("\"SOCKET_BIND\"")).findFirst().orElseThrow();
        assertTrue(bind.contains("\"expected\":" + ns + ",\"actual\":" + launch), bind);
        assertTrue(bind.contains("\"expectedName\":\"ngtest-ag-"), bind);
        assertTrue(bind.contains("Scenario.lambda$misuse"), bind);
        String open = lines.get(0);
        assertTrue(open.contains("\"expected\":" + launch + ",\"actual\":" + ns + ",\"actualName\":\"ngtest-ag-"), open);
        assertTrue(open.contains("\"stack\":[\"java.base/sun.nio.ch.Net.socket"), open);

        // stderr: one line per distinct site, nothing else
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
        assertEquals(11, r.stderr().lines().filter(l -> l.startsWith("netns-guard: ")).count(), r.stderr());
        assertTrue(r.stderr().contains("netns-guard: SOCKET_BIND: socket bound in network namespace net:[" + launch
                + "] (the JVM's launch namespace), but the code expects ngtest-ag-"), r.stderr());
    }

    @Test
    void strictModeThrowsFromEveryMisusedEntryPoint() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict,log=none").runMain(EntryPointsScenario.class, "misuse").ok();
        for (String misuse : MISUSES) {
            assertEquals(KIND_OF.get(misuse), r.get("thrown." + misuse), misuse + ": " + r);
            String message = r.get("message." + misuse);
            assertTrue(message.contains(r.get("ns.inode")) && message.contains(r.get("launch.inode")), message);
            assertTrue(message.contains("Fix: "), message);
        }
        assertTrue(r.get("message.socket").contains("thread \"ngtest-stray\""), r.get("message.socket"));
        assertEquals(11, r.count("total"), "one per misuse, each stopped at its first check: " + r);
        assertEquals("", r.stderr().strip(), "log=none prints nothing");
    }

    @Test
    void correctUseIsSilentInStrictMode() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict").runMain(EntryPointsScenario.class, "correct").ok();
        assertEquals(0, r.count("total"), r.toString());
        assertTrue(r.results().keySet().stream().noneMatch(k -> k.startsWith("thrown.")), r.toString());
        assertEquals("", r.stderr().strip(), r.toString());
    }

    @Test
    void virtualThreadsOutsideScopesAreSilent() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict").runMain(EntryPointsScenario.class, "virtual").ok();
        if (ForkedJvm.FEATURE >= 21) {
            assertEquals("ran", r.get("virtual"));
            assertEquals(0, r.count("total"), r.toString());
        } else {
            assertEquals("unsupported", r.get("virtual"));
        }
        assertEquals("", r.stderr().strip(), r.toString());
    }

    @Test
    void virtualThreadStartedInsideAScopeIsReported() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ForkedJvm.FEATURE >= 21, "virtual threads need JDK 21+");
        ForkedJvm.Result r = ForkedJvm.withAgent("log=none").jvmArg("-Djdk.virtualThreadScheduler.parallelism=1")
                .runMain(EntryPointsScenario.class, "virtual-in-scope").ok();
        assertEquals(1, r.count("SOCKET_OPEN"), r.toString());
        assertEquals("true", r.get("first.virtual"), r.toString());
        assertEquals(r.get("ns.inode"), r.get("first.expected"), r.toString());
        assertEquals(r.get("launch.inode"), r.get("first.actual"), r.toString());
    }

    @Test
    void runtimeApiTourIsSilentInStrictMode() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict").runMain(EntryPointsScenario.class, "runtime-tour").ok();
        assertEquals("x", r.get("echo"), r.toString());
        assertEquals(0, r.count("total"), r.toString());
        assertEquals("", r.stderr().strip(), r.toString());
    }

    @Test
    void jfrEventIsEmitted() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("log=none").runMain(EntryPointsScenario.class, "jfr").ok();
        assertEquals("1", r.get("jfr.events"), r.toString());
        assertEquals("SOCKET_BIND", r.get("jfr.kind"), r.toString());
    }
}
