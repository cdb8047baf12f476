package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trap 5: the InetAddress cache is JVM-wide and keyed by name only. A lookup inside a scope answered
 * from an entry resolved in another namespace (positive or negative) is a DNS_LOOKUP naming both.
 */
class DnsCacheIT {
    static ForkedJvm jvm(String args, Path dir, String... more) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "198.51.100.7 ngtest-ag-service.test\n198.51.100.8 ngtest-ag-mine.test\n");
        return ForkedJvm.withAgent(args).jvmArg("-Djdk.net.hosts.file=" + hosts).jvmArg(more);
    }

    @Test
    void cachedAnswersFromAnotherNamespaceAreReported(@TempDir Path dir) throws Exception {
        ForkedJvm.Result r = jvm("mode=report,log=none", dir).runMain(DnsCacheScenario.class, "dns-cache").ok();
        assertEquals("1", r.get("case.positive-from-launch"), r.toString());
        assertEquals("DNS_LOOKUP", r.get("kind.positive-from-launch"));
        assertEquals(r.get("ns.inode"), r.get("expected.positive-from-launch"));
        assertEquals(r.get("launch.inode"), r.get("actual.positive-from-launch"));
        assertTrue(r.get("detail.positive-from-launch").startsWith("ngtest-ag-service.test (answered from the JVM-wide"
                + " InetAddress cache, resolved in net:[" + r.get("launch.inode") + "])"), r.toString());
        assertEquals("1", r.get("case.negative-from-other"), r.toString());
        assertEquals("DNS_LOOKUP", r.get("kind.negative-from-other"));
        assertEquals(r.get("other.inode"), r.get("expected.negative-from-other"));
        assertEquals(r.get("ns.inode"), r.get("actual.negative-from-other"));
        assertEquals("0", r.get("case.same-namespace"), r.toString());
        assertEquals("0", r.get("case.outside-scopes"), r.toString());
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
    }

    @Test
    void withTheCachePerNamespaceTheSameProgramIsSilentInStrictMode(@TempDir Path dir) throws Exception {
        ForkedJvm.Result r = jvm("mode=strict,dns-cache=per-namespace", dir).runMain(DnsCacheScenario.class, "dns-cache").ok();
        assertEquals("0", r.get("count.total"), r.toString());
        for (String key : r.results().keySet()) {
            assertTrue(!key.startsWith("failed."), r.toString());
        }
        assertEquals("", r.stderr(), r.stderr());
    }

    @Test
    void withoutTheCacheNothingIsReportedEvenInStrictMode(@TempDir Path dir) throws Exception {
        ForkedJvm.Result r = jvm("mode=strict", dir).runMain(DnsCacheScenario.class, "dns-uncached").ok();
        assertEquals("0", r.get("count.total"), r.toString());
        assertEquals("", r.stderr(), r.stderr());
    }
}
