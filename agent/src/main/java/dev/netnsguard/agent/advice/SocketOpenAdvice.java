package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;

/**
 * Inlined into {@code sun.nio.ch.Net.socket(ProtocolFamily, boolean)} and
 * {@code Net.serverSocket(ProtocolFamily[, boolean])}, where every inet socket of the JDK is created.
 */
public final class SocketOpenAdvice {
    private SocketOpenAdvice() {}

    @Advice.OnMethodEnter
    static void enter() {
        GuardBridge.socketOpen();
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Return FileDescriptor fd) {
        GuardBridge.socketOpened(fd);
    }
}
