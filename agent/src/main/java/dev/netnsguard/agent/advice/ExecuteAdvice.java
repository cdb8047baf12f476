package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code ThreadPoolExecutor.execute(Runnable)}: a task submitted inside a scope carries it. */
public final class ExecuteAdvice {
    private ExecuteAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object executor, @Advice.Argument(value = 0, readOnly = false) Runnable command) {
        command = Propagation.wrap(executor, command);
    }
}
