package dev.netnsguard.agent;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReporterTest {
    static final List<String> STACK = List.of(
            "java.base/sun.nio.ch.Net.socket(Net.java:488)",
            "java.base/java.nio.channels.SocketChannel.open(SocketChannel.java:145)",
            "com.acme.pool.Pool$Worker.open(Pool.java:12)",
            "com.acme.App.main(App.java:3)");

    @Test
    void allowPatterns() {
        assertTrue(Reporter.allowed(STACK, patterns("com.acme.App")));
        assertTrue(Reporter.allowed(STACK, patterns("com.acme.pool.Pool")), "nested classes belong to their class");
        assertTrue(Reporter.allowed(STACK, patterns("com.acme.pool.Pool$Worker#open")));
        assertTrue(Reporter.allowed(STACK, patterns("com.acme.*")));
        assertTrue(Reporter.allowed(STACK, patterns("java.nio.channels.SocketChannel#open")));
        assertFalse(Reporter.allowed(STACK, patterns("com.acme.pool.Pool#close")));
        assertFalse(Reporter.allowed(STACK, patterns("com.acme.Ap")));
        assertFalse(Reporter.allowed(STACK, List.of()));
    }

    private static List<ClassPattern> patterns(String... patterns) {
        return java.util.Arrays.stream(patterns).map(ClassPattern::parse).toList();
    }

    @Test
    void siteIsTheFirstApplicationFrame() {
        assertEquals("com.acme.pool.Pool$Worker.open(Pool.java:12)", Reporter.site(STACK));
    }

    @Test
    void jsonLine() {
        Violation v = new Violation("DNS_LOOKUP", 1, 2, "blue", null, "t \"1\"", true, "host\n", List.of("a.B.c(B.java:1)"),
                Instant.parse("2026-01-02T03:04:05Z"));
        assertEquals("{\"kind\":\"DNS_LOOKUP\",\"expected\":1,\"actual\":2,\"expectedName\":\"blue\","
                + "\"thread\":\"t \\\"1\\\"\",\"virtual\":true,\"detail\":\"host\\n\",\"stack\":[\"a.B.c(B.java:1)\"],"
                + "\"time\":\"2026-01-02T03:04:05Z\"}", v.toJson());
    }

    @Test
    void jsonLineOfACarriedTaskHasBothStacks() {
        Violation v = new Violation("SOCKET_OPEN", 1, 2, null, null, "pool-1-thread-1", false, null, List.of("a.B.c(B.java:1)"),
                Instant.parse("2026-01-02T03:04:05Z"), List.of("java.base/java.util.concurrent.ThreadPoolExecutor.execute(X.java:1)",
                        "com.acme.App.lambda$main$0(App.java:7)"));
        assertEquals("{\"kind\":\"SOCKET_OPEN\",\"expected\":1,\"actual\":2,\"thread\":\"pool-1-thread-1\",\"virtual\":false,"
                + "\"stack\":[\"a.B.c(B.java:1)\"],\"submittedFrom\":[\"java.base/java.util.concurrent.ThreadPoolExecutor.execute(X.java:1)\","
                + "\"com.acme.App.lambda$main$0(App.java:7)\"],\"time\":\"2026-01-02T03:04:05Z\"}", v.toJson());
        assertEquals(null, new Violation("SOCKET_OPEN", 1, 2, null, null, "t", false, null, List.of(), Instant.EPOCH).submittedFrom());
    }
}
