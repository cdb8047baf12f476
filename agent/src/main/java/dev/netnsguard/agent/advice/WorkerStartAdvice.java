package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ThreadPoolExecutor.runWorker(Worker)}: the worker drops the scope it inherited
 * from the thread that created it.
 */
public final class WorkerStartAdvice {
    private WorkerStartAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object executor) {
        Propagation.workerStarts(executor);
    }
}
