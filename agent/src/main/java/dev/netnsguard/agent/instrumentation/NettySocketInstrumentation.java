package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Netty's {@code io.netty.channel.unix.Socket}, the socket of the native transports ({@code epoll}'s
 * {@code LinuxSocket} extends it; the same in 4.1 and 4.2, and in relocated copies). Its sockets are made in
 * JNI, never through {@code sun.nio.ch.Net}: every inet stream and datagram socket passes the static
 * {@code newSocketStream0(boolean)} / {@code newSocketDgram0(boolean)} (the other overloads delegate to them),
 * which return the new descriptor, so a birth is checked and recorded from the kernel's answer about that
 * descriptor, as for the JDK's sockets. {@code bind}, {@code connect} (to an inet address: Unix domain sockets
 * are not namespace-scoped) and {@code accept} are the JDK's checks by descriptor number; {@code send},
 * {@code recv} and their address forms are {@code SOCKET_IO}.
 */
final class NettySocketInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.netty.channel.unix.Socket";
    }

    @Override
    public boolean relocatable() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Open.class, isStatic().and(named("newSocketStream0").or(named("newSocketDgram0")))
                        .and(takesArguments(1)).and(takesArgument(0, boolean.class)))
                .advise(type(), Bind.class, named("bind").and(takesArguments(1))
                        .and(takesArgument(0, SocketAddress.class)))
                .advise(type(), Connect.class, named("connect").and(takesArguments(1))
                        .and(takesArgument(0, SocketAddress.class)))
                .advise(type(), Accept.class, named("accept").and(takesArguments(1))
                        .and(takesArgument(0, byte[].class)))
                .advise(type(), Io.class, named("send").or(named("sendAddress")).or(named("recv"))
                        .or(named("recvAddress")).and(takesArguments(3)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Netty native sockets (`io.netty.channel.unix.Socket`, epoll's `LinuxSocket`;"
                        + " relocated copies included)", "`newSocketStream0(boolean)`, `newSocketDgram0(boolean)` (the"
                        + " new descriptor, judged by the kernel's answer and recorded), `bind(SocketAddress)`,"
                        + " `connect(SocketAddress)` (inet addresses), `accept(byte[])` (recorded with its listener's"
                        + " namespace), `send`/`recv`/`sendAddress`/`recvAddress` (`SOCKET_IO`); unconnected"
                        + " `sendTo*` and TCP fast open are not checked"));
    }

    /** Before: the thread's namespace where the kernel is not asked; after: where the new socket was born. */
    static final class Open {
        private Open() {}

        @Advice.OnMethodEnter
        static void enter() {
            GuardBridge.socketOpen();
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Return int fd) {
            GuardBridge.nativeSocketOpened(fd);
        }
    }

    static final class Bind {
        private Bind() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.FieldValue("fd") int fd, @Advice.Argument(0) SocketAddress local) {
            if (local instanceof InetSocketAddress) {
                GuardBridge.nativeSocketBind(fd);
            }
        }
    }

    static final class Connect {
        private Connect() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.FieldValue("fd") int fd, @Advice.Argument(0) SocketAddress remote) {
            if (remote instanceof InetSocketAddress) {
                GuardBridge.nativeSocketConnect(fd, remote);
            }
        }
    }

    static final class Accept {
        private Accept() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("fd") int listener, @Advice.Return int accepted) {
            GuardBridge.nativeSocketAccepted(listener, accepted);
        }
    }

    static final class Io {
        private Io() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.This Object socket, @Advice.FieldValue("fd") int fd) {
            GuardBridge.nativeSocketIo(fd, socket);
        }
    }
}
