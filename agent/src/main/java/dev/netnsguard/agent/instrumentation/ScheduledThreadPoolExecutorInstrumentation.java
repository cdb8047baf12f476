package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.util.concurrent.ScheduledThreadPoolExecutor.delayedExecute(RunnableScheduledFuture)}: every
 * scheduled task passes it (the same on 17 and 25); it is recorded, not wrapped, because the queue needs
 * the task's own type. Its runs are {@link ScheduledFutureTaskInstrumentation}'s.
 */
final class ScheduledThreadPoolExecutorInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.concurrent.ScheduledThreadPoolExecutor";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Record.class, named("delayedExecute").and(takesArguments(1)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("`ScheduledThreadPoolExecutor`", "`delayedExecute(RunnableScheduledFuture)`"
                + " (records) and `ScheduledFutureTask.run()` (installs); the same on 17 and 25"));
    }

    static final class Record {
        private Record() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
            Propagation.record(executor, task, false);
        }
    }
}
