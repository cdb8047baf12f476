package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Netty's {@code io.netty.util.concurrent.AbstractScheduledEventExecutor}: every {@code schedule},
 * {@code scheduleAtFixedRate} and {@code scheduleWithFixedDelay} passes the private
 * {@code schedule(ScheduledFutureTask)} (4.1 and 4.2). The task is recorded, not wrapped: the loop's
 * scheduled-task queue needs its own type. Its runs are {@link NettyScheduledFutureTaskInstrumentation}'s.
 */
final class NettyScheduledExecutorInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.netty.util.concurrent.AbstractScheduledEventExecutor";
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
        t.advise(type(), Record.class, named("schedule").and(isPrivate()).and(takesArguments(1)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Netty scheduled tasks (`AbstractScheduledEventExecutor`, relocated copies"
                + " included)", "the private `schedule(ScheduledFutureTask)` (records) and `ScheduledFutureTask.run()`"
                + " (installs, on every run of a periodic task)"));
    }

    static final class Record {
        private Record() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
            Propagation.record(executor, task, false);
        }
    }
}
