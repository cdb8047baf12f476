package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Netty's {@code io.netty.channel.unix.FileDescriptor}, the base of its native sockets (4.1 and 4.2,
 * relocated copies included): the reads and writes of epoll's stream channels ({@code write},
 * {@code writeAddress}, {@code writev}, {@code writevAddresses}, {@code read}, {@code readAddress}) are
 * {@code SOCKET_IO}, and {@code markClosed()} (true once, right before the descriptor is closed) forgets
 * the socket, so that a pipe or file later given the same number is never judged as that socket.
 */
final class NettyFileDescriptorInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.netty.channel.unix.FileDescriptor";
    }

    @Override
    public boolean relocatable() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Io.class, named("write").and(takesArguments(3))
                        .or(named("writeAddress").and(takesArguments(3)))
                        .or(named("writev").and(takesArguments(4)))
                        .or(named("writevAddresses").and(takesArguments(2)))
                        .or(named("read").and(takesArguments(3)))
                        .or(named("readAddress").and(takesArguments(3))))
                .advise(type(), Closing.class, named("markClosed").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("read/write on a Netty native socket (`io.netty.channel.unix.FileDescriptor`)",
                "`write`, `writeAddress`, `writev`, `writevAddresses`, `read`, `readAddress`: inside a scope, a socket"
                        + " born in another namespace is `SOCKET_IO`; `markClosed()` forgets the closed socket"));
    }

    static final class Io {
        private Io() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.This Object descriptor, @Advice.FieldValue("fd") int fd) {
            GuardBridge.nativeSocketIo(fd, descriptor);
        }
    }

    static final class Closing {
        private Closing() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("fd") int fd, @Advice.Return boolean closing) {
            if (closing) {
                GuardBridge.nativeSocketClosing(fd);
            }
        }
    }
}
