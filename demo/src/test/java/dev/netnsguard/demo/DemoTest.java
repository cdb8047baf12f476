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
    void theDemoReachesTheServerFromInsideOnlyAndCleansUp() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit = new Demo(new Terminal(new PrintStream(captured, true, StandardCharsets.UTF_8)), false).run();
        String output = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertTrue(output.contains("\"hello from ngdemo-blue\""), output);
        assertTrue(output.contains("connection refused, as it should be"), output);
        assertFalse(output.contains("\u001b["), "piped output must be plain");
        assertFalse(NetNS.listNamed().stream().anyMatch(n -> n.startsWith(Demo.PREFIX)), "the demo left a namespace");
    }

    @Test
    void aLeftoverFromAnInterruptedRunIsRemovedFirst() throws Exception {
        NetNS.createNamed(Demo.BLUE).close();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit = new Demo(new Terminal(new PrintStream(captured, true, StandardCharsets.UTF_8)), false).run();
        String output = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertTrue(output.contains("removed " + Demo.BLUE + ", left by an earlier interrupted run"), output);
        assertFalse(NetNS.listNamed().contains(Demo.BLUE));
    }
}
