package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code ForkJoinTask.fork()}: a task forked inside a scope carries it, once. */
public final class ForkAdvice {
    private ForkAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object task) {
        Propagation.record(null, task, true);
    }
}
