package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.util.Timer}: every {@code schedule} and {@code scheduleAtFixedRate} passes the private
 * {@code sched(TimerTask, long, long)} (the same on 17 and 25). The {@code TimerTask} is recorded, not wrapped (the
 * timer's queue holds {@code TimerTask}s, and the application's subclass is the task): once for a one-shot task
 * ({@code period == 0}), until it is collected for a periodic one. Its runs are {@link TimerQueueInstrumentation}'s.
 */
final class TimerInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.Timer";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Schedule.class, named("sched").and(takesArguments(3)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("`java.util.Timer`", "`sched(TimerTask, long, long)` (private; every `schedule`,"
                + " `scheduleAtFixedRate`: records); `TaskQueue.removeMin()` and `rescheduleMin(long)` (the timer thread"
                + " takes the task it runs next: installs) and `TaskQueue.isEmpty()` (its next turn: puts back); the same"
                + " on 17 and 25"));
    }

    static final class Schedule {
        private Schedule() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object timer, @Advice.Argument(0) Object task, @Advice.Argument(2) long period) {
            Propagation.record(timer, task, period == 0);
        }
    }
}
