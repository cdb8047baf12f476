package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;

/** Inlined into {@code sun.nio.ch.Net.bind(ProtocolFamily, FileDescriptor, InetAddress, int)}. */
public final class SocketBindAdvice {
    private SocketBindAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(1) FileDescriptor fd) {
        GuardBridge.socketBind(fd);
    }
}
