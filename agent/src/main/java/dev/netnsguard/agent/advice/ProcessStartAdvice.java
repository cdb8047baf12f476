package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code java.lang.ProcessImpl.start(String[], Map, String, Redirect[], boolean)}. */
public final class ProcessStartAdvice {
    private ProcessStartAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Object command) {
        GuardBridge.processStart(command);
    }
}
