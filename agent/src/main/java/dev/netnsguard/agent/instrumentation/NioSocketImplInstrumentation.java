package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.NioSocketImpl}, the implementation of {@code java.net.Socket} since JDK 13: reads and
 * writes on an existing blocking socket (OkHttp, Apache HttpClient, Jedis, pgjdbc end here). Hooked at
 * {@code tryRead}/{@code tryWrite(FileDescriptor, byte[], int, int)}, the one place both the timed and the
 * untimed paths pass through with the descriptor at hand; same signatures on 17 and 25.
 */
final class NioSocketImplInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "sun.nio.ch.NioSocketImpl";
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Io.class, named("tryRead").or(named("tryWrite")).and(takesArguments(4))
                .and(takesArgument(0, named("java.io.FileDescriptor"))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("read/write on a `Socket`",
                "`NioSocketImpl.tryRead`/`tryWrite(FileDescriptor, byte[], int, int)`, under the socket's streams:"
                        + " inside a scope, a socket born in another namespace is `SOCKET_IO`"));
    }

    static final class Io {
        private Io() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) FileDescriptor fd, @Advice.This Object socket) {
            GuardBridge.socketIo(fd, socket);
        }
    }
}
