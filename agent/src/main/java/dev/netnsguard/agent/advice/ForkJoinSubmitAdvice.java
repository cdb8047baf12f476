package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the ForkJoinPool method every external submission goes through, whose last argument
 * is the task (17: {@code externalSubmit(ForkJoinTask)}; 25: {@code poolSubmit(boolean, ForkJoinTask)}
 * and {@code externalSubmit(ForkJoinTask)}): a task submitted inside a scope carries it, once.
 */
public final class ForkJoinSubmitAdvice {
    private ForkJoinSubmitAdvice() {}

    /** For the one-argument method. */
    public static final class First {
        private First() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.This Object pool, @Advice.Argument(0) Object task) {
            Propagation.record(pool, task, true);
        }
    }

    /** For the two-argument method. */
    public static final class Second {
        private Second() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.This Object pool, @Advice.Argument(1) Object task) {
            Propagation.record(pool, task, true);
        }
    }
}
