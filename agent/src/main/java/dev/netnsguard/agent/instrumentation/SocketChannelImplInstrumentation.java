package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * {@code sun.nio.ch.SocketChannelImpl}: reads and writes on an existing socket channel, where every pooled
 * client connection over NIO ends (the JDK {@code HttpClient}, Netty's NIO transport, Lettuce, Vert.x). The
 * channel's own {@code read}/{@code write} (buffer and scattering/gathering) and the blocking paths of its
 * socket adaptor ({@code blockingRead}, {@code blockingWriteFully}); the same names and the same
 * {@code fd} field on 17 and 25.
 */
final class SocketChannelImplInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "sun.nio.ch.SocketChannelImpl";
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Io.class, not(isStatic()).and(named("read").or(named("write"))
                .or(named("blockingRead")).or(named("blockingWriteFully"))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("read/write on a `SocketChannel` (and its `socket()` adaptor)",
                "`SocketChannelImpl.read`/`write` (`ByteBuffer`, `ByteBuffer[]`), `blockingRead`, `blockingWriteFully`:"
                        + " inside a scope, a socket born in another namespace is `SOCKET_IO`"));
    }

    static final class Io {
        private Io() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.This Object channel) {
            GuardBridge.socketIo(fd, channel);
        }
    }
}
