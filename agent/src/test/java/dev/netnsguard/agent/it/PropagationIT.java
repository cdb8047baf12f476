package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trap 1: work handed to executors from inside a scope runs on pool threads elsewhere. With
 * propagation the task carries the scope, so its socket on a launch-namespace worker is reported,
 * with both stacks; with {@code propagate=none} the same program is silent (the trap goes unseen).
 */
class PropagationIT {
    static final List<String> CARRIED = List.of("tpe-execute", "tpe-submit", "stpe-schedule", "fjp-submit",
            "fjp-execute", "completable-async");
    /** The common pool needs parallelism > 1, or CompletableFuture starts a thread per task instead. */
    static final String COMMON = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2";

    static ForkedJvm.Result run(String agentArgs, String scenario) throws Exception {
        return ForkedJvm.withAgent(agentArgs).jvmArg(COMMON).runMain(PropagationScenario.class, scenario).ok();
    }

    @Test
    void tasksSubmittedInsideAScopeCarryIt() throws Exception {
        ForkedJvm.Result r = run("mode=report,log=none", "propagation");
        String ns = r.get("ns.inode");
        String launch = r.get("launch.inode");
        for (String c : CARRIED) {
            assertEquals("1", r.get("case." + c), c + "\n" + r);
            assertEquals("SOCKET_OPEN", r.get("kind." + c), c + "\n" + r);
            assertEquals(ns, r.get("expected." + c), c);
            assertEquals(launch, r.get("actual." + c), c);
            String submitted = r.get("submittedFrom." + c);
            assertTrue(submitted.contains("PropagationScenario.lambda$propagation"), c + ": " + submitted);
            assertTrue(r.get("stack." + c).startsWith("java.base/sun.nio.ch.Net.socket"), c + ": " + r.get("stack." + c));
        }
        assertEquals("2", r.get("case.tpe-invokeAll"), r.toString());
        assertEquals("3", r.get("case.stpe-periodic"), r.toString());
        // every socket a launch-namespace worker opened for the scope is reported, and nothing else
        assertEquals(r.get("parallel-stream.onLaunchWorkers"), r.get("case.parallel-stream"), r.toString());
        assertEquals(r.get("fork.onLaunchWorkers"), r.get("case.fork"), r.toString());
        assertTrue(Integer.parseInt(r.get("parallel-stream.onLaunchWorkers")) > 0, r.toString());
        assertEquals("0", r.get("case.after-tasks"), r.toString());
        // a worker born inside the scope drops the scope it inherited: serving outside work is caught
        assertEquals("1", r.get("case.lazy-worker-serves-outside"), r.toString());
        assertEquals(launch, r.get("expected.lazy-worker-serves-outside"));
        assertEquals(ns, r.get("actual.lazy-worker-serves-outside"));
        assertEquals("none", r.get("submittedFrom.lazy-worker-serves-outside"));
        assertEquals("true", r.get("identity.removed"), r.toString());
        assertEquals("true", r.get("identity.drained"), r.toString());
        assertEquals("true", r.get("identity.purged"), r.toString());
        assertEquals("[future]", r.get("identity.afterExecute"), r.toString());
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
    }

    @Test
    void withoutPropagationTheTrapGoesUnseen() throws Exception {
        ForkedJvm.Result r = run("mode=report,log=none,propagate=none", "propagation");
        for (String c : CARRIED) {
            assertEquals("0", r.get("case." + c), c + "\n" + r);
        }
        assertEquals("0", r.get("case.lazy-worker-serves-outside"), r.toString());
        assertEquals("0", r.get("count.total"), r.toString());
    }

    @Test
    void onlyTheConfiguredExecutorsPropagate() throws Exception {
        ForkedJvm.Result r = run("mode=report,log=none,propagate=java.util.concurrent.ScheduledThreadPoolExecutor,java.util.concurrent.ForkJoin*",
                "propagation");
        assertEquals("0", r.get("case.tpe-execute"), r.toString());
        assertEquals("0", r.get("case.tpe-submit"), r.toString());
        assertEquals("1", r.get("case.stpe-schedule"), r.toString()); // a subclass of ThreadPoolExecutor: matched by its own name
        assertEquals("1", r.get("case.fjp-submit"), r.toString());
        assertEquals("1", r.get("case.completable-async"), r.toString());
    }

    @Test
    void correctPatternsStaySilentEvenInStrictMode() throws Exception {
        ForkedJvm.Result r = run("mode=strict", "propagation-correct");
        for (String c : List.of("tasks-call-inside", "outside-scopes", "no-network", "namespace-executor",
                "thread-start", "born-socket-on-pool")) {
            assertEquals("0", r.get("case." + c), c + "\n" + r);
            assertEquals(null, r.get("failed." + c), c + "\n" + r);
        }
        assertEquals("0", r.get("count.total"), r.toString());
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
        assertEquals("", r.stderr(), r.stderr());
    }
}
