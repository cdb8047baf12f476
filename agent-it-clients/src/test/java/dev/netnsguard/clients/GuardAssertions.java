package dev.netnsguard.clients;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What the tests of this module assert about the guard's counters and reports. */
final class GuardAssertions {
    private GuardAssertions() {}

    interface Body<T> {
        T run() throws Exception;
    }

    /** Runs {@code body} and asserts that the guard reported nothing since its counters were last reset. */
    static <T> T assertSilent(Body<T> body) {
        T result;
        try {
            result = body.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
        return result;
    }

    /** The kinds reported since the counters were last reset, with their counts. */
    static Map<String, Long> reported() {
        Map<String, Long> reported = new TreeMap<>(NetnsGuard.counts());
        reported.values().removeIf(n -> n == 0);
        return reported;
    }

    /** Asserts that only {@code kind} was reported, at least once, and returns those reports. */
    static List<Violation> assertOnly(String kind) {
        Map<String, Long> reported = reported();
        assertEquals(Set.of(kind), reported.keySet(), "only " + kind + " reports: " + reported);
        List<Violation> found = NetnsGuard.recentViolations().stream().filter(v -> v.kind().equals(kind)).toList();
        assertFalse(found.isEmpty(), kind + " was reported");
        return found;
    }
}
