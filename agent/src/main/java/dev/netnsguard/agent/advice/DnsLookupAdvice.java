package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.net.InetAddress.getAllByName0} (the designated lookup of every host name,
 * cache hits included) and {@code InetAddress.getHostFromNameService} (reverse lookups).
 */
public final class DnsLookupAdvice {
    private DnsLookupAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Object host) {
        GuardBridge.dnsLookup(host);
    }
}
