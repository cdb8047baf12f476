package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

/** Inlined into the runtime's {@code dev.netnsguard.netlink.RouteSocket.openOnCurrentThread()}. */
public final class NetlinkOpenAdvice {
    private NetlinkOpenAdvice() {}

    @Advice.OnMethodEnter
    static void enter() {
        GuardBridge.netlinkOpen();
    }
}
