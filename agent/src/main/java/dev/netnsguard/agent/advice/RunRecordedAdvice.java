package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ForkJoinTask.doExec()} (17: returns int; 25: void) and
 * {@code ScheduledThreadPoolExecutor.ScheduledFutureTask.run()}: a recorded task runs with the scopes
 * it carries installed, and the thread's own are put back afterwards.
 */
public final class RunRecordedAdvice {
    private RunRecordedAdvice() {}

    @Advice.OnMethodEnter
    static Object enter(@Advice.This Object task) {
        return Propagation.enterRecorded(task);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Propagation.exit(token);
    }
}
