package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Netty's {@code io.netty.util.concurrent.SingleThreadEventExecutor} (every event loop: NIO, epoll, io_uring,
 * the default ones; the same in 4.1 and 4.2, and in relocated copies). {@code execute}, {@code lazyExecute}
 * and the removal of a cancelled scheduled task all pass the private {@code execute(Runnable, boolean)}
 * before the task is queued: a task handed over inside a scope is wrapped there, as for a
 * {@code ThreadPoolExecutor}, so Netty's own bookkeeping (its wake-up decision, {@code removeTask} on
 * rejection) sees the wrapper it queued. {@code updateLastExecutionTime()} is the first call of the event
 * loop's thread: the loop drops the scopes its thread inherited from the thread that started it.
 */
final class NettyEventExecutorInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.netty.util.concurrent.SingleThreadEventExecutor";
    }

    @Override
    public boolean relocatable() {
        return true;
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Execute.class, named("execute").and(isPrivate()).and(takesArguments(2))
                        .and(takesArgument(0, Runnable.class)).and(takesArgument(1, boolean.class)))
                .advise(type(), LoopStart.class, named("updateLastExecutionTime").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Netty event loops (`SingleThreadEventExecutor`, 4.1 and 4.2, relocated copies"
                + " such as `io.grpc.netty.shaded.io.netty` included)", "the private `execute(Runnable, boolean)` that"
                + " `execute`, `lazyExecute` and Netty's own hand-overs (writes from outside the loop, registration,"
                + " cancellations) pass (wraps); `updateLastExecutionTime()` (the loop's thread drops the scopes it"
                + " inherited); `removeTask(task)` of a task handed over inside a scope does not find it"));
    }

    static final class Execute {
        private Execute() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor, @Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = Propagation.wrap(executor, task);
        }
    }

    static final class LoopStart {
        private LoopStart() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor) {
            Propagation.libraryWorkerStarts(executor);
        }
    }
}
