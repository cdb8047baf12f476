package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/**
 * The run of a task recorded at submission ({@code ScheduledFutureTask.run()}, {@code ForkJoinTask.doExec()}):
 * the scopes it carries are installed, and the thread's own put back afterwards. Shared by the units of
 * those two types.
 */
final class RecordedTaskRun {
    private RecordedTaskRun() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object task) {
        return Propagation.enterRecorded(task);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Propagation.exit(token);
    }
}
