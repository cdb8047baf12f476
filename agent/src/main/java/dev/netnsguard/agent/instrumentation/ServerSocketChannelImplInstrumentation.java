package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.ServerSocketChannelImpl.finishAccept(FileDescriptor, SocketAddress)}: a socket channel
 * accepted, recorded in the socket table with its listener's namespace, so that reads and writes on it are
 * judged by where it lives and not by an earlier socket that had the same descriptor number. Same method on
 * 17 and 25. Only records: never throws into the application.
 */
final class ServerSocketChannelImplInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "sun.nio.ch.ServerSocketChannelImpl";
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Accepted.class, named("finishAccept").and(takesArguments(2))
                .and(takesArgument(0, named("java.io.FileDescriptor"))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("`ServerSocketChannel.accept`",
                "`ServerSocketChannelImpl.finishAccept(FileDescriptor, SocketAddress)`: the accepted socket is recorded"
                        + " with its listener's namespace (not checked: it lives where its listener does)"));
    }

    static final class Accepted {
        private Accepted() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("fd") FileDescriptor listener, @Advice.Argument(0) FileDescriptor accepted) {
            GuardBridge.socketAccepted(listener, accepted);
        }
    }
}
