package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.util.concurrent.ThreadPoolExecutor} (the same on 17 and 25): {@code execute} wraps a task
 * submitted inside a scope, {@code remove} and {@code shutdownNow} see through the wrapper, and the worker
 * loop ({@code runWorker}, {@code getTask}) drops inherited or left-over scopes.
 */
final class ThreadPoolExecutorInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.concurrent.ThreadPoolExecutor";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Execute.class, named("execute").and(takesArguments(1)).and(takesArgument(0, Runnable.class)))
                .advise(type(), Remove.class, named("remove").and(takesArguments(1)).and(takesArgument(0, Runnable.class)))
                .advise(type(), ShutdownNow.class, named("shutdownNow").and(takesArguments(0)))
                .advise(type(), WorkerStart.class, named("runWorker").and(takesArguments(1))
                        .or(named("getTask").and(takesArguments(0))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("`ThreadPoolExecutor`", "`execute(Runnable)` (wraps), `remove(Runnable)`,"
                + " `shutdownNow()` (unwrap), `runWorker(Worker)` and `getTask()` (the worker drops inherited or"
                + " left-over scopes); the same on 17 and 25"));
    }

    static final class Execute {
        private Execute() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor, @Advice.Argument(value = 0, readOnly = false) Runnable command) {
            command = Propagation.wrap(executor, command);
        }
    }

    static final class Remove {
        private Remove() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This ThreadPoolExecutor executor, @Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = Propagation.queued(executor.getQueue(), task);
        }
    }

    static final class ShutdownNow {
        private ShutdownNow() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return List<Runnable> drained) {
            Propagation.unwrapAll(drained);
        }
    }

    static final class WorkerStart {
        private WorkerStart() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor) {
            Propagation.workerStarts(executor);
        }
    }
}
