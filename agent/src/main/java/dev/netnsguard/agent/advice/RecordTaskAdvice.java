package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ScheduledThreadPoolExecutor.delayedExecute(RunnableScheduledFuture)}: a scheduled
 * task submitted inside a scope carries it, every time it runs.
 */
public final class RecordTaskAdvice {
    private RecordTaskAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
        Propagation.record(executor, task, false);
    }
}
