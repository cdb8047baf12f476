package dev.netnsguard.agent.advice;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;

/**
 * Inlined into {@code sun.nio.ch.DatagramChannelImpl.send(FileDescriptor, ByteBuffer, InetSocketAddress)},
 * the send on an unconnected socket behind both {@code DatagramChannel.send} and {@code DatagramSocket.send}.
 */
public final class DatagramSendAdvice {
    private DatagramSendAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(2) Object target) {
        GuardBridge.datagramSend(fd, target);
    }
}
