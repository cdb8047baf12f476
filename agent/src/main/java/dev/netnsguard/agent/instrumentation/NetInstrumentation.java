package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.Net}, where every inet socket of the JDK is created, bound and connected: the
 * NIO channels and, since JDK 13 ({@code NioSocketImpl}) and 15 ({@code DatagramSocket}), the classic
 * sockets too. 17: {@code serverSocket(ProtocolFamily, boolean)}; 25: {@code serverSocket(ProtocolFamily)}.
 */
final class NetInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "sun.nio.ch.Net";
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Open.class, isStatic().and(named("socket").or(named("serverSocket")))
                        .and(takesArgument(0, named("java.net.ProtocolFamily")))
                        .and(returns(named("java.io.FileDescriptor"))))
                .advise(type(), Bind.class, isStatic().and(named("bind")).and(takesArguments(4))
                        .and(takesArgument(0, named("java.net.ProtocolFamily")))
                        .and(takesArgument(1, named("java.io.FileDescriptor"))))
                .advise(type(), Connect.class, isStatic().and(named("connect")).and(takesArguments(4))
                        .and(takesArgument(0, named("java.net.ProtocolFamily")))
                        .and(takesArgument(1, named("java.io.FileDescriptor")))
                        .and(takesArgument(2, named("java.net.InetAddress"))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(
                Coverage.both("`Socket`, `ServerSocket` (NIO-based `NioSocketImpl`, the default)",
                        "`sun.nio.ch.Net.socket(ProtocolFamily, boolean)` / `Net.serverSocket(ProtocolFamily[, boolean])`"
                                + " (17: `serverSocket(ProtocolFamily, boolean)`, 25: `serverSocket(ProtocolFamily)`);"
                                + " all overloads delegate to these"),
                Coverage.both("`SocketChannel`, `ServerSocketChannel` (inet)", "same"),
                Coverage.both("`DatagramSocket`, `MulticastSocket`, `DatagramChannel`",
                        "same (`Net.socket(family, false)`; `DatagramSocket` is NIO-based since 15)"),
                Coverage.both("`AsynchronousSocketChannel`, `AsynchronousServerSocketChannel`", "same"),
                Coverage.both("`java.net.http.HttpClient`, URL connections", "their sockets are `SocketChannel`s / `Socket`s"),
                Coverage.both("bind", "`Net.bind(ProtocolFamily, FileDescriptor, InetAddress, int)`"),
                Coverage.both("connect", "`Net.connect(ProtocolFamily, FileDescriptor, InetAddress, int)`"));
    }

    /** Before a socket is created: the thread's namespace; after: where the new socket was born. */
    static final class Open {
        private Open() {}

        @Advice.OnMethodEnter
        static void enter() {
            GuardBridge.socketOpen();
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Return FileDescriptor fd) {
            GuardBridge.socketOpened(fd);
        }
    }

    static final class Bind {
        private Bind() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(1) FileDescriptor fd) {
            GuardBridge.socketBind(fd);
        }
    }

    static final class Connect {
        private Connect() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(1) FileDescriptor fd, @Advice.Argument(2) Object remote) {
            GuardBridge.socketConnect(fd, remote);
        }
    }
}
