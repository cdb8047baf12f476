package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;

/** Inlined into {@code sun.nio.ch.Net.connect(ProtocolFamily, FileDescriptor, InetAddress, int)}. */
public final class SocketConnectAdvice {
    private SocketConnectAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(1) FileDescriptor fd, @Advice.Argument(2) Object remote) {
        GuardBridge.socketConnect(fd, remote);
    }
}
