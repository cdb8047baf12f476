package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

/** Inlined into {@code ThreadPoolExecutor.shutdownNow()}: the tasks it returns are the application's own. */
public final class ShutdownNowAdvice {
    private ShutdownNowAdvice() {}

    @Advice.OnMethodExit
    static void exit(@Advice.Return List<Runnable> drained) {
        Propagation.unwrapAll(drained);
    }
}
