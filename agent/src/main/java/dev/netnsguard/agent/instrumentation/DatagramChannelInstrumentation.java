package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.DatagramChannelImpl.send(FileDescriptor, ByteBuffer, InetSocketAddress)}: a datagram
 * sent on an unconnected socket, behind {@code DatagramChannel.send} and {@code DatagramSocket.send}
 * (17: {@code blockingSend(ByteBuffer, SocketAddress)}; 25: {@code blockingSend(DatagramPacket)}); and
 * {@code read}/{@code write} on a connected one (the {@code fd} field on both).
 */
final class DatagramChannelInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "sun.nio.ch.DatagramChannelImpl";
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Send.class, named("send").and(takesArguments(3))
                .and(takesArgument(0, named("java.io.FileDescriptor")))
                .and(takesArgument(2, named("java.net.InetSocketAddress"))))
                .advise(type(), Io.class, not(isStatic()).and(named("read").or(named("write"))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("unconnected datagram send",
                "`DatagramChannelImpl.send(FileDescriptor, ByteBuffer, InetSocketAddress)`, behind `DatagramChannel.send`"
                        + " and `DatagramSocket.send` (17: `blockingSend(ByteBuffer, SocketAddress)`, 25:"
                        + " `blockingSend(DatagramPacket)`)"),
                Coverage.both("read/write on a connected `DatagramChannel`",
                        "`DatagramChannelImpl.read`/`write` (`ByteBuffer`, `ByteBuffer[]`): inside a scope, a socket born"
                                + " in another namespace is `SOCKET_IO`"));
    }

    static final class Send {
        private Send() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(2) Object target) {
            GuardBridge.datagramSend(fd, target);
        }
    }

    static final class Io {
        private Io() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.This Object channel) {
            GuardBridge.socketIo(fd, channel);
        }
    }
}
