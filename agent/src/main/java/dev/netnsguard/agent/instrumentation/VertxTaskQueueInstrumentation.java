package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;
import java.util.concurrent.Executor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Vert.x's {@code io.vertx.core.impl.TaskQueue} (and its {@code WorkerTaskQueue}): a context's ordered blocking
 * work ({@code executeBlocking} with {@code ordered} true, the default; a worker context's events). The queue
 * hands the worker pool one runner that drains it, so the runner carries the scope of whoever found the queue
 * idle, and every task queued behind it would run with that scope. At {@code execute(Runnable, Executor)} the
 * task is recorded with the submitter's scope (installed by {@link VertxWorkerTaskInstrumentation}'s
 * {@code WorkerTask.run()}) and the submitter's scopes are taken off while the queue hands its runner over, so
 * the runner carries none. The task counts as a task of the worker pool it runs on: the {@code propagate} option
 * names the pool's class ({@code ThreadPoolExecutor}), and a pool of namespace threads ({@code ns.newExecutor})
 * carries nothing. The same in Vert.x 4.5 and 5.0, where every task of the queue is a {@code WorkerTask} (tested
 * with 5.0). A virtual-thread context's task that suspends ({@code await}) hands the runner over again
 * from inside its own scope: the runner is then carried, and tasks queued behind it with no scope of their own
 * run with that one.
 */
final class VertxTaskQueueInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.vertx.core.impl.TaskQueue";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Execute.class, named("execute").and(takesArguments(2))
                .and(takesArgument(0, Runnable.class)).and(takesArgument(1, Executor.class)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Vert.x ordered blocking tasks (`io.vertx.core.impl.TaskQueue`, `WorkerTask`; 5.0)",
                "`TaskQueue.execute(Runnable, Executor)` records the task and hands the queue's runner to the worker pool"
                        + " without the submitter's scopes; `WorkerTask.run()` installs the recorded ones (ordered"
                        + " `executeBlocking`, worker contexts' events); an unordered `executeBlocking` goes straight to the"
                        + " worker pool, a `ThreadPoolExecutor`; Vert.x's event loops are Netty's (above)"));
    }

    static final class Execute {
        private Execute() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) Runnable task, @Advice.Argument(1) Executor pool) {
            Propagation.record(pool, task, true);
            return Propagation.suspendScopes(pool);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter Object token) {
            Propagation.exit(token);
        }
    }
}
