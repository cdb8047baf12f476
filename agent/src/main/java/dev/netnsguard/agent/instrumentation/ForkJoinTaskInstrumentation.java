package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.util.concurrent.ForkJoinTask}: {@code fork()} records a task forked inside a scope (judged as
 * {@code ForkJoinPool} by the {@code propagate} option), {@code doExec()} (17: returns {@code int}; 25:
 * {@code void}) installs the scope a recorded task carries.
 */
final class ForkJoinTaskInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.concurrent.ForkJoinTask";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Fork.class, named("fork").and(takesArguments(0)))
                .advise(type(), RecordedTaskRun.class, named("doExec").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(); // a row of ForkJoinPoolInstrumentation
    }

    static final class Fork {
        private Fork() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object task) {
            Propagation.record(null, task, true);
        }
    }
}
