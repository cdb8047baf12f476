package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.util.concurrent.ForkJoinPool}: the method every external submission goes through, whose
 * last argument is the task. 17: the private {@code externalSubmit(ForkJoinTask)}; 25: {@code
 * poolSubmit(boolean, ForkJoinTask)} and the public {@code externalSubmit(ForkJoinTask)}. A task submitted
 * inside a scope carries it, once; see {@link ForkJoinTaskInstrumentation} for forks and runs.
 */
final class ForkJoinPoolInstrumentation implements TypeInstrumentation {
    private static final String TASK = "java.util.concurrent.ForkJoinTask";

    @Override
    public String type() {
        return "java.util.concurrent.ForkJoinPool";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), SubmitFirst.class, named("externalSubmit").and(takesArguments(1)).and(takesArgument(0, named(TASK))))
                .advise(type(), SubmitSecond.class, named("poolSubmit").and(takesArguments(2)).and(takesArgument(1, named(TASK))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("`ForkJoinPool`, `ForkJoinTask`", "17: `externalSubmit(ForkJoinTask)` (private;"
                + " every public submission), 25: `poolSubmit(boolean, ForkJoinTask)` and the public"
                + " `externalSubmit(ForkJoinTask)`; `ForkJoinTask.fork()` (both); `ForkJoinTask.doExec()` (17: returns"
                + " `int`, 25: `void`) installs; `ForkJoinWorkerThread.run()` drops the inherited scope"));
    }

    /** For the one-argument method. */
    static final class SubmitFirst {
        private SubmitFirst() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object pool, @Advice.Argument(0) Object task) {
            Propagation.record(pool, task, true);
        }
    }

    /** For the two-argument method. */
    static final class SubmitSecond {
        private SubmitSecond() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object pool, @Advice.Argument(1) Object task) {
            Propagation.record(pool, task, true);
        }
    }
}
