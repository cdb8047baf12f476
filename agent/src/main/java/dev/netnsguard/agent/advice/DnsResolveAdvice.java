package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code InetAddress.getAddressesFromNameService} (17: {@code (String, InetAddress)};
 * 25: {@code (String)}), where a name is really resolved (and the answer then cached): records the
 * namespace it is resolved in.
 */
public final class DnsResolveAdvice {
    private DnsResolveAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Object host) {
        GuardBridge.dnsResolving(host);
    }
}
