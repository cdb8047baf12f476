package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code InetAddress.getAllByName0} (17: {@code (String, InetAddress, boolean, boolean)};
 * 25: {@code (String, boolean)}): inside a scope, a lookup that was answered without resolving (from
 * the JVM-wide cache, positive or negative) is checked against the namespace the answer was resolved in.
 */
public final class DnsCacheAdvice {
    private DnsCacheAdvice() {}

    @Advice.OnMethodEnter
    static Object enter() {
        return GuardBridge.dnsLookupStarts();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Argument(0) Object host, @Advice.Enter Object token) {
        GuardBridge.dnsLookupEnds(host, token);
    }
}
