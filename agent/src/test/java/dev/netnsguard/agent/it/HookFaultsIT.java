package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hooks that only record or propagate never break the application: with a runtime link whose capture
 * or swap throws, every executor, pool and socket of the program works, each failing hook is counted,
 * and each is reported on stderr once however often it fails.
 */
class HookFaultsIT {
    @Test
    void aFaultInAHookIsCountedReportedOnceAndHarmless() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict").withoutRuntime().runMain(HookFaultsMain.class).ok();
        for (String op : List.of("tpe", "stpe", "fjp", "async", "socket")) {
            for (String tag : List.of("capture.1", "capture.2", "swap.1", "swap.2")) {
                assertEquals("ran", r.get(op + "." + tag), op + "." + tag + "\n" + r);
            }
        }
        assertEquals("0", r.get("violations"), r.toString());
        Map<String, Long> failures = r.results().entrySet().stream().filter(e -> e.getKey().startsWith("failures."))
                .collect(Collectors.toMap(e -> e.getKey().substring("failures.".length()), e -> Long.parseLong(e.getValue())));
        for (String hook : List.of("ThreadPoolExecutor.execute", "task submission", "ThreadPoolExecutor task", "task run",
                "pool worker start", "SOCKET_OPEN")) {
            assertTrue(failures.getOrDefault(hook, 0L) >= 2, hook + " failed in both rounds: " + failures + "\n" + r);
        }
        for (String hook : failures.keySet()) {
            long lines = Arrays.stream(r.stderr().split("\n")).filter(l -> l.startsWith("netns-guard: the " + hook + " hook failed")).count();
            assertEquals(1, lines, hook + " is reported once on stderr\n" + r.stderr());
        }
    }
}
