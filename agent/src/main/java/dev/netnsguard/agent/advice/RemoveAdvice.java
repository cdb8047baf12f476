package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.concurrent.ThreadPoolExecutor;

/** Inlined into {@code ThreadPoolExecutor.remove(Runnable)}: removes the wrapper queued for the application's task. */
public final class RemoveAdvice {
    private RemoveAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This ThreadPoolExecutor executor, @Advice.Argument(value = 0, readOnly = false) Runnable task) {
        task = Propagation.queued(executor.getQueue(), task);
    }
}
