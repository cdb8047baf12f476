package dev.netnsguard.agent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link Propagation#suspendScopes}: a library queue (Vert.x's {@code TaskQueue}) hands its runner to an executor
 * without the submitter's scopes, so the runner is not carried, while the task itself is recorded.
 */
class SuspendedScopesTest {
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
