package dev.netnsguard.junit;

import dev.netnsguard.agent.Violation;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failure message and the allow patterns, on hand-made violations (no namespace needed). */
class ReportTest {
    static final List<String> STACK = List.of(
            "java.base/sun.nio.ch.Net.socket(Net.java:534)",
            "java.base/java.nio.channels.SocketChannel.open(SocketChannel.java:192)",
            "com.acme.Pool$Worker.open(Pool.java:10)",
            "com.acme.OrderTest.orders(OrderTest.java:20)",
            "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
            "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
            "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)",
            "org.junit.jupiter.engine.execution.MethodInvocation.proceed(MethodInvocation.java:60)");

    static Violation violation(String kind, String thread) {
        return new Violation(kind, 1, 2, "blue", null, thread, false, null, STACK, Instant.EPOCH);
    }

    static Recorder.Window window(Violation... violations) {
        Recorder.Window window = new Recorder.Window(Thread.currentThread(), true);
        for (Violation v : violations) {
            window.add(v);
        }
        return window;
    }

    @Test
    void oneViolationInFullWithoutJUnitAndReflectionFrames() {
        String m = Report.of(window(violation("SOCKET_OPEN", "pool-1")), List.of()).message("during this test");
        assertTrue(m.startsWith("netns-guard: 1 network namespace violation during this test, on any thread:\n\n"
                + "1) SOCKET_OPEN on thread \"pool-1\": "), m);
        assertTrue(m.contains(" in network namespace net:[2], but the code expects blue net:[1]\n"
                + "   at com.acme.Pool$Worker.open(Pool.java:10)\n"), m);
        assertTrue(m.endsWith("     com.acme.OrderTest.orders(OrderTest.java:20)\n"
                + "     ... 4 more (reflection and JUnit)"), m);
    }

    @Test
    void beyondTenTheRestIsSummedUpBySite() {
        Violation[] many = new Violation[13];
        for (int i = 0; i < many.length; i++) {
            many[i] = violation(i < 11 ? "SOCKET_OPEN" : "DNS_LOOKUP", "t" + i);
        }
        String m = Report.of(window(many), List.of()).message("during this test");
        assertTrue(m.startsWith("netns-guard: 13 network namespace violations during this test, on any thread"
                + " (the first 10 in full):"), m);
        assertTrue(m.contains("\n\n10) SOCKET_OPEN on thread \"t9\""), m);
        assertFalse(m.contains("11) "), m);
        assertTrue(m.endsWith("and 3 more:\n   1 x SOCKET_OPEN at com.acme.Pool$Worker.open(Pool.java:10)\n"
                + "   2 x DNS_LOOKUP at com.acme.Pool$Worker.open(Pool.java:10)"), m);
    }

    @Test
    void allowPatternsMatchAClassItsNestedClassesAMethodOrAPrefix() {
        assertTrue(violation("SOCKET_OPEN", "t").allowedBy(List.of("com.acme.Pool")));
        assertTrue(violation("SOCKET_OPEN", "t").allowedBy(List.of("com.acme.Pool$Worker#open")));
        assertTrue(violation("SOCKET_OPEN", "t").allowedBy(List.of("com.acme.*")));
        assertTrue(violation("SOCKET_OPEN", "t").allowedBy(List.of("sun.nio.ch.Net#socket")));
        assertFalse(violation("SOCKET_OPEN", "t").allowedBy(List.of("com.acme.Poo")));
        assertFalse(violation("SOCKET_OPEN", "t").allowedBy(List.of("com.acme.Pool#close")));
        assertFalse(violation("SOCKET_OPEN", "t").allowedBy(List.of()));
        assertNull(Report.of(window(violation("SOCKET_OPEN", "x")), List.of("com.acme.OrderTest#orders")));
    }
}
