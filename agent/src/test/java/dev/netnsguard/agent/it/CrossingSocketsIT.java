package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trap 4 (sockets that cross scopes) and trap 6 (virtual threads: a correct program is never reported).
 */
class CrossingSocketsIT {
    @Test
    void socketsUsedInsideAScopeOfAnotherNamespaceAreReported() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=report,log=none").runMain(CrossingSocketsScenario.class, "sockets").ok();
        String ns = r.get("ns.inode");
        String launch = r.get("launch.inode");
        assertEquals("1", r.get("case.pooled-connection"), r.toString());
        assertEquals("SOCKET_CONNECT", r.get("kind.pooled-connection"));
        assertEquals(ns, r.get("expected.pooled-connection"));
        assertEquals(launch, r.get("actual.pooled-connection"));
        assertEquals("1", r.get("case.handed-channel"), r.toString());
        assertEquals("SOCKET_BIND", r.get("kind.handed-channel"));
        assertEquals(r.get("other.inode"), r.get("expected.handed-channel"));
        assertEquals(ns, r.get("actual.handed-channel"));
        assertEquals("1", r.get("case.channel-into-carried-task"), r.toString());
        assertEquals("SOCKET_CONNECT", r.get("kind.channel-into-carried-task"));
        assertEquals(ns, r.get("expected.channel-into-carried-task"));
        assertEquals(launch, r.get("actual.channel-into-carried-task"));
        assertTrue(r.get("submittedFrom.channel-into-carried-task").contains("CrossingSocketsScenario.lambda$sockets"), r.toString());
        assertEquals("0", r.get("case.born-in-ns-used-anywhere"), r.toString());
        assertEquals(null, r.get("failed.born-in-ns-used-anywhere"), r.toString());
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
    }

    @Test
    void aCorrectProgramWithVirtualThreadsIsNeverReported() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict").runMain(CrossingSocketsScenario.class, "virtual-correct").ok();
        if (ForkedJvm.FEATURE < 21) {
            assertEquals("unsupported", r.get("virtual"));
            return;
        }
        assertEquals("0", r.get("case.virtual-threads"), r.toString());
        assertEquals("0", r.get("case.virtual-executor"), r.toString());
        assertEquals(null, r.get("failed.virtual-threads"), r.toString());
        assertEquals(null, r.get("failed.virtual-executor"), r.toString());
        assertEquals("0", r.get("count.total"), r.toString());
        assertEquals("", r.stderr(), r.stderr());
    }
}
