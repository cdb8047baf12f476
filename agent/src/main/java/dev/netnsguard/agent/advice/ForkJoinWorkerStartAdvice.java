package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Inlined into {@code ForkJoinWorkerThread.run()}: the worker drops the scope it inherited from the
 * thread that created it.
 */
public final class ForkJoinWorkerStartAdvice {
    private ForkJoinWorkerStartAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This ForkJoinWorkerThread worker) {
        Propagation.workerStarts(worker.getPool());
    }
}
