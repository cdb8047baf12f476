package dev.netnsguard.demo;

import dev.netnsguard.NetNS;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the demo end to end and checks what it reports and that it leaves nothing behind. */
class DemoTest {
    @Test
    void theDemoReachesTheServiceTheRightWaysOnlyAndCleansUp() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit = new Demo(new Terminal(new PrintStream(captured, true, StandardCharsets.UTF_8)), false, false).run();
        String output = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertEquals(3, output.split("ok  \"hello from ngdemo-blue\"", -1).length - 1,
                "call, the executor and the socket born in red each reach the service:\n" + output);
        assertTrue(output.contains("refused: blue's loopback is blue's"), output);
        assertTrue(output.contains("everything behaved as shown"), output);
        assertFalse(output.contains("\u001b["), "piped output must be plain");
        assertFalse(NetNS.listNamed().stream().anyMatch(n -> n.startsWith(Topology.PREFIX)), "the demo left a namespace");
    }

    @Test
    void aLeftoverFromAnInterruptedRunIsRemovedFirst() throws Exception {
        NetNS.createNamed(Topology.RED).close();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit = new Demo(new Terminal(new PrintStream(captured, true, StandardCharsets.UTF_8)), false, false).run();
        String output = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertTrue(output.contains("removed " + Topology.RED + ", left by an earlier interrupted run"), output);
        assertFalse(NetNS.listNamed().contains(Topology.RED));
    }
}
