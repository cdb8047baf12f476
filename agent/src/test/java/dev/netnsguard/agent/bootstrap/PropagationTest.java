package dev.netnsguard.agent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Propagation in-process: its hooks called as the executors' advice calls them, on real threads. */
class PropagationTest {
    private final long here = GuardBridge.readThreadInode();
    private TestRuntime runtime;
    private final TestRuntime.TestScope blue = new TestRuntime.TestScope(4026530000L, "blue");

    @BeforeEach
    void install() {
        runtime = new TestRuntime().install(here);
        Propagation.configure(true, type -> true, executor -> false, true);
    }

    @AfterEach
    void uninstall() {
        runtime.uninstall();
        Propagation.configure(false, type -> true, executor -> false, true);
    }

    @Test
    void aTaskSubmittedOutsideScopesIsNotTouched() {
        Runnable task = () -> { };
        assertSame(task, Propagation.wrap(this, task));
    }

    @Test
    void aWrappedTaskRunsWithTheSubmittersScopeOnAnotherThread() throws Exception {
        runtime.current.set(blue);
        Object[] seen = new Object[2];
        Runnable wrapped = Propagation.wrap(this, () -> {
            seen[0] = runtime.current.get();
            seen[1] = Propagation.submittedFrom();
        });
        runtime.current.remove();
        Thread worker = new Thread(wrapped);
        worker.start();
        worker.join(10_000);
        assertSame(blue, seen[0]);
        assertTrue(((StackTraceElement[]) seen[1])[0].getClassName().startsWith(Propagation.class.getName()));
    }

    @Test
    void theWorkerGetsItsOwnScopeBackAfterTheTask() {
        runtime.current.set(blue);
        Runnable wrapped = Propagation.wrap(this, () -> { });
        TestRuntime.TestScope red = new TestRuntime.TestScope(4026530001L, "red");
        runtime.current.set(red);
        wrapped.run();
        assertSame(red, runtime.current.get());
        assertNull(Propagation.submittedFrom());
    }

    @Test
    void aFutureStaysAFutureAndTheQueueAndShutdownSeeTheApplicationsTask() {
        runtime.current.set(blue);
        FutureTask<String> task = new FutureTask<>(() -> "done");
        Runnable wrapped = Propagation.wrap(this, task);
        assertInstanceOf(RunnableFuture.class, wrapped);
        assertSame(wrapped, Propagation.queued(List.of(wrapped), task));
        List<Runnable> drained = new ArrayList<>(List.of(wrapped));
        Propagation.unwrapAll(drained);
        assertSame(task, drained.get(0));
    }

    @Test
    void aRecordedOneShotTaskCarriesItsScopeOnceAndLeavesTheMap() {
        int before = Propagation.recordedTasks();
        runtime.current.set(blue);
        Object task = new Object();
        Propagation.record(this, task, true);
        runtime.current.remove();
        assertEquals(before + 1, Propagation.recordedTasks());
        Object token = Propagation.enterRecorded(task);
        assertSame(blue, runtime.current.get());
        Propagation.exit(token);
        assertNull(runtime.current.get());
        assertEquals(before, Propagation.recordedTasks());
        assertNull(Propagation.enterRecorded(task), "a one-shot task carries its scope once");
    }

    @Test
    void executorsThePolicyExcludesAndNamespaceOwnedOnesCarryNothing() {
        runtime.current.set(blue);
        Runnable task = () -> { };
        Propagation.configure(true, type -> type != PropagationTest.class, executor -> false, true);
        assertSame(task, Propagation.wrap(this, task));
        Propagation.configure(true, type -> true, executor -> executor == this, true);
        assertSame(task, Propagation.wrap(this, task));
    }

    @Test
    void withoutSubmissionStacksNothingIsRecordedOfTheSubmitter() {
        Propagation.configure(true, type -> true, executor -> false, false);
        runtime.current.set(blue);
        Object[] seen = new Object[1];
        Runnable wrapped = Propagation.wrap(this, () -> seen[0] = Propagation.submittedFrom());
        runtime.current.remove();
        wrapped.run();
    }

    @Test
    void aPoolWorkerDropsTheScopeItInherited() throws Exception {
        runtime.current.set(blue);
        CompletableFuture<Object> seen = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            Propagation.workerStarts(this);
            seen.complete(runtime.current.get());
        });
        worker.start();
        assertNull(seen.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aLibraryWorkerLoopDropsTheScopeItsThreadInheritedOnce() throws Exception {
        runtime.current.set(blue);
        CompletableFuture<Object[]> seen = new CompletableFuture<>();
        Thread loop = new Thread(() -> {
            Object inherited = runtime.current.get();
            Propagation.libraryWorkerStarts(this);
            Object atLoopStart = runtime.current.get();
            runtime.current.set(blue); // a task's own scope, left on the thread: not the loop's business
            Propagation.libraryWorkerStarts(this);
            seen.complete(new Object[] {inherited, atLoopStart, runtime.current.get(), Propagation.isPoolWorker()});
        });
        Propagation.threadInherits(loop);
        loop.start();
        Object[] result = seen.get(10, TimeUnit.SECONDS);
        assertSame(blue, result[0]);
        assertNull(result[1]);
        assertSame(blue, result[2], "only the loop's first start drops anything");
        assertEquals(Boolean.TRUE, result[3]);
    }

    @Test
    void aScopeTheLoopsThreadEnteredItselfStays() throws Exception {
        TestRuntime.TestScope red = new TestRuntime.TestScope(4026530001L, "red");
        runtime.current.set(blue);
        CompletableFuture<Object> seen = new CompletableFuture<>();
        Thread namespaceThread = new Thread(() -> {
            runtime.current.set(red); // as a thread of NetNS.threadFactory() enters its namespace first
            Propagation.libraryWorkerStarts(this);
            seen.complete(runtime.current.get());
        });
        Propagation.threadInherits(namespaceThread);
        namespaceThread.start();
        assertSame(red, seen.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aLoopWhoseThreadEnteredItsNamespaceRunsHandedTasksWithItsOwnScope() throws Exception {
        TestRuntime.TestScope red = new TestRuntime.TestScope(4026530001L, "red");
        runtime.current.set(blue);
        Object[] inTask = new Object[1];
        Runnable task = Propagation.wrap(this, () -> inTask[0] = runtime.current.get());
        runtime.current.remove();
        CompletableFuture<Object> after = new CompletableFuture<>();
        Thread namespaceThread = new Thread(() -> {
            runtime.current.set(red); // a thread of NetNS.threadFactory() enters its namespace first
            Propagation.libraryWorkerStarts(this);
            task.run();
            after.complete(runtime.current.get());
        });
        namespaceThread.start();
        assertSame(red, after.get(10, TimeUnit.SECONDS));
        assertSame(red, inTask[0], "the task handed over from blue's scope runs with the loop's namespace");
    }

    /** What a general executor's advice does around its execute(Runnable): wrap, then the hand-over until it returns. */
    private Object executeEnter(Runnable[] task) {
        Runnable carried = Propagation.wrap(this, task[0]);
        if (carried == task[0]) {
            return null;
        }
        task[0] = carried;
        return Propagation.handing(carried);
    }

    @Test
    void anExecutorsOwnHandOversInsideItsExecuteCarryNothingMore() {
        runtime.current.set(blue);
        Runnable[] task = {() -> { }};
        Object previous = executeEnter(task);
        assertInstanceOf(Propagation.CarriedRunnable.class, task[0]);
        int recorded = Propagation.recordedTasks();
        try {
            Runnable worker = () -> { };
            assertSame(worker, Propagation.wrap(this, worker), "a worker it hands to the pool it delegates to");
            Object scheduled = new Object();
            Propagation.record(this, scheduled, true);
            assertEquals(recorded, Propagation.recordedTasks(), "a scheduled task wrapping the carried one");
            assertSame(task[0], Propagation.wrap(this, task[0]), "the wrapper itself");
            TestRuntime.TestScope red = new TestRuntime.TestScope(4026530001L, "red");
            runtime.current.set(red);
            assertInstanceOf(Propagation.CarriedRunnable.class, Propagation.wrap(this, worker), "another scope's work is new");
            runtime.current.set(blue);
        } finally {
            Propagation.handedOver(previous);
        }
        Runnable later = () -> { };
        assertInstanceOf(Propagation.CarriedRunnable.class, Propagation.wrap(this, later), "after the call, hand-overs carry again");
    }

    @Test
    void aTaskRunInlineByTheExecutorThatWrappedItCarriesItsOwnSubmissions() {
        runtime.current.set(blue);
        Object[] inner = new Object[1];
        Runnable[] task = {() -> inner[0] = Propagation.wrap(this, () -> { })};
        Object previous = executeEnter(task);
        try {
            task[0].run(); // a direct executor
        } finally {
            Propagation.handedOver(previous);
        }
        assertInstanceOf(Propagation.CarriedRunnable.class, inner[0]);
    }

    @Test
    void anExecuteOutsideScopesLeavesNoHandOver() {
        Runnable[] task = {() -> { }};
        Runnable original = task[0];
        assertNull(executeEnter(task));
        assertSame(original, task[0]);
        Propagation.handedOver(null);
        runtime.current.set(blue);
        assertInstanceOf(Propagation.CarriedRunnable.class, Propagation.wrap(this, original));
    }

    @Test
    void aBrokenRuntimeNeverBreaksTheExecutor() {
        RuntimeLink broken = new RuntimeLink(() -> blue, s -> {
            throw new IllegalStateException("swap broke");
        }, s -> 1);
        GuardBridge.disconnect(runtime.link);
        GuardBridge.connect(broken);
        try {
            boolean[] ran = new boolean[1];
            Runnable wrapped = Propagation.wrap(this, () -> ran[0] = true);
            wrapped.run();
            assertTrue(ran[0], "the task ran although its scope could not be installed");
            Propagation.workerStarts(this);
        } finally {
            GuardBridge.disconnect(broken);
        }
        assertEquals(List.of("ThreadPoolExecutor task: swap broke", "pool worker start: swap broke"), runtime.failedHooks);
    }

    /**
     * {@link Propagation#suspendScopes}: a library queue (Vert.x's {@code TaskQueue}) hands its runner to an
     * executor without the submitter's scopes, so the runner is not carried, while the task itself is recorded.
     */
    @Test
    void theRunnerHandedOverWhileSuspendedIsNotCarriedAndTheScopeComesBack() {
        runtime.current.set(blue);
        Runnable task = () -> { };
        Propagation.record(this, task, true);
        Object token = Propagation.suspendScopes(this);
        Runnable runner = () -> { };
        assertNull(runtime.current.get());
        assertSame(runner, Propagation.wrap(this, runner), "the runner is handed over with no scope");
        Propagation.exit(token);
        assertSame(blue, runtime.current.get());

        runtime.current.remove();
        Object running = Propagation.enterRecorded(task);
        assertSame(blue, runtime.current.get(), "the task runs with its submitter's scope");
        Propagation.exit(running);
        assertNull(runtime.current.get());
    }

    @Test
    void outsideScopesOrForAQueueThePolicyExcludesNothingIsSuspended() {
        assertNull(Propagation.suspendScopes(this));
        runtime.current.set(blue);
        Propagation.configure(true, type -> false, executor -> false, true);
        assertNull(Propagation.suspendScopes(this));
        assertSame(blue, runtime.current.get());
    }
}
