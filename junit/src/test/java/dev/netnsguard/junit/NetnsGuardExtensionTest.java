package dev.netnsguard.junit;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.junit.examples.AllowedExample;
import dev.netnsguard.junit.examples.AutodetectedExample;
import dev.netnsguard.junit.examples.BeforeAllViolationExample;
import dev.netnsguard.junit.examples.GuardedExample;
import dev.netnsguard.junit.examples.RunByTheTestKit;
import dev.netnsguard.junit.examples.LeakedThreadExample;
import dev.netnsguard.junit.examples.ParallelExample;
import dev.netnsguard.junit.examples.TestNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs the example classes on the Jupiter engine (in this JVM, under the agent given by Surefire's
 * -javaagent) and checks which of their tests fail and what the failures say.
 */
class NetnsGuardExtensionTest {
    static final String LAUNCH = "net:[" + NetNS.launch().inode() + "] (the JVM's launch namespace)";

    @BeforeAll
    static void theGuardIsLive() {
        assertTrue(NetnsGuard.isInstalled(), "the tests run under -javaagent:netns-guard-agent.jar");
        assertEquals("report", NetnsGuard.mode());
    }

    @AfterAll
    static void noNamespaceIsLeft() {
        List<String> left = NetNS.listNamed().stream().filter(n -> n.startsWith(TestNamespace.PREFIX))
                .collect(Collectors.toList());
        assertEquals(List.of(), left);
    }

    static EngineExecutionResults run(Class<?> example, boolean autodetect) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(RunByTheTestKit.PARAMETER, "true")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", String.valueOf(autodetect))
                .selectors(selectClass(example))
                .execute();
    }

    static Optional<String> failure(Events events, String method) {
        List<Event> finished = events.finished().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "("))
                .collect(Collectors.toList());
        assertEquals(1, finished.size(), "one finished test " + method);
        TestExecutionResult result = finished.get(0).getRequiredPayload(TestExecutionResult.class);
        return result.getThrowable().map(t -> t.getClass().getName() + ": " + t.getMessage());
    }

    @Test
    void plantedViolationsFailTheirTestsAndCleanTestsPass() {
        Events tests = run(GuardedExample.class, false).testEvents();
        tests.assertStatistics(s -> s.started(5).succeeded(2).failed(3));
        assertEquals(Optional.empty(), failure(tests, "cleanUseOfNamespaces"));
        assertEquals(Optional.empty(), failure(tests, "cleanAfterViolations"));

        String onTestThread = failure(tests, "violationOnTheTestThread").orElseThrow();
        System.out.println("--- a failure on the test's thread, as reported:\n" + onTestThread);
        assertTrue(onTestThread.startsWith("org.opentest4j.AssertionFailedError: netns-guard: 1 network namespace"
                + " violation during this test, on any thread:"), onTestThread);
        assertTrue(onTestThread.contains("1) SOCKET_OPEN on thread \"" + Thread.currentThread().getName()
                + "\": socket created in network namespace " + TestNamespace.PREFIX), onTestThread);
        assertTrue(onTestThread.contains(", but the code expects " + LAUNCH), onTestThread);
        assertTrue(onTestThread.contains("at dev.netnsguard.junit.examples.GuardedExample.violationOnTheTestThread("),
                onTestThread);
        assertTrue(onTestThread.contains("Fix: create the socket inside the namespace"), onTestThread);
        assertTrue(onTestThread.contains("     java.base/sun.nio.ch.Net.socket("), onTestThread);

        String onWorker = failure(tests, "violationOnAnotherThread").orElseThrow();
        System.out.println("--- a failure on another thread, as reported:\n" + onWorker);
        assertTrue(onWorker.contains("1) SOCKET_OPEN on thread \"ngtest-ju-worker\": socket created in network"
                + " namespace " + TestNamespace.PREFIX), onWorker);
        assertTrue(onWorker.contains("-red net:["), onWorker);
        assertTrue(onWorker.contains(", but the code expects " + LAUNCH), onWorker);
        assertTrue(onWorker.contains("at dev.netnsguard.junit.examples.GuardedExample.lambda$violationOnAnotherThread$"),
                onWorker);
        assertTrue(onWorker.contains("java.base/java.lang.Thread.run"), onWorker);
        assertFalse(onWorker.contains("2) "), "exactly one violation: " + onWorker);

        String bind = failure(tests, "socketBoundInsideAnotherNamespacesScope").orElseThrow();
        assertTrue(bind.contains("1) SOCKET_BIND on thread "), bind);
        assertTrue(bind.matches("(?s).*socket bound in network namespace " + TestNamespace.PREFIX
                + "\\d+-blue net:\\[\\d+], but the code expects " + TestNamespace.PREFIX + "\\d+-red net:\\[\\d+].*"), bind);
        assertFalse(bind.contains("2) "), bind);
    }

    @Test
    void aViolationFailsTheTestDuringWhichItHappenedNotTheOneThatStartedTheThread() {
        Events tests = run(LeakedThreadExample.class, false).testEvents();
        tests.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertEquals(Optional.empty(), failure(tests, "startsAThreadThatMisbehavesLater"));
        String failure = failure(tests, "duringWhichTheViolationHappens").orElseThrow();
        assertTrue(failure.contains("SOCKET_OPEN on thread \"ngtest-ju-leaked\""), failure);
    }

    @Test
    void autodetectionRegistersTheExtensionForEveryClass() {
        Events guarded = run(AutodetectedExample.class, true).testEvents();
        guarded.assertStatistics(s -> s.started(1).failed(1));
        assertTrue(failure(guarded, "plantedViolation").orElseThrow().contains("SOCKET_OPEN on thread \"ngtest-ju-auto\""));

        Events unguarded = run(AutodetectedExample.class, false).testEvents();
        unguarded.assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void allowPatternsOfTheClassAndTheMethodAddUp() {
        Events tests = run(AllowedExample.class, false).testEvents();
        tests.assertStatistics(s -> s.started(3).succeeded(2).failed(1));
        assertEquals(Optional.empty(), failure(tests, "allowedByTheClassPattern"));
        assertEquals(Optional.empty(), failure(tests, "allowedByTheMethodPattern"));
        assertTrue(failure(tests, "notAllowed").orElseThrow().contains("SOCKET_OPEN on thread \"ngtest-ju-denied\""));
    }

    @Test
    void aViolationWhileNoTestRunsFailsTheClass() {
        EngineExecutionResults results = run(BeforeAllViolationExample.class, false);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        List<Event> failedClasses = results.containerEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().equals(BeforeAllViolationExample.class.getSimpleName()))
                .collect(Collectors.toList());
        assertEquals(1, failedClasses.size(), results.containerEvents().toString());
        String message = failedClasses.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable()
                .orElseThrow().getMessage();
        assertTrue(message.startsWith("netns-guard: 1 network namespace violation while no test of "
                + BeforeAllViolationExample.class.getName() + " was running"), message);
        assertTrue(message.contains("SOCKET_OPEN on thread \"ngtest-ju-beforeall\""), message);
    }

    @Test
    void inParallelAViolationOnATestsOwnThreadFailsOnlyThatTest() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(RunByTheTestKit.PARAMETER, "true")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .selectors(selectClass(ParallelExample.class))
                .execute().testEvents();
        tests.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertEquals(Optional.empty(), failure(tests, "cleanWhileTheOtherViolates"));
        // The test's own thread is a pool worker of Jupiter's parallel executor, moved into the namespace
        // natively: a pool worker outside the launch namespace opening a socket is a STRAY_THREAD.
        String own = failure(tests, "violatesOnItsOwnThread").orElseThrow();
        assertTrue(own.contains("1) STRAY_THREAD on thread \""), own);
        assertTrue(own.contains("SOCKET_OPEN on pool thread"), own);
    }
}
