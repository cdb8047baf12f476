package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.lang.Thread.start()} (and, on JDK 21+, {@code Thread.start(ThreadContainer)}):
 * records the namespace the new platform thread is born in (the creator's).
 */
public final class ThreadStartAdvice {
    private ThreadStartAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Thread thread) {
        GuardBridge.threadStarting(thread);
    }
}
