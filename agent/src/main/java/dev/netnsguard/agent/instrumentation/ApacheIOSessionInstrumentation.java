package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Apache HttpCore 5's {@code org.apache.hc.core5.reactor.IOSessionImpl} (5.x, relocated copies included): a
 * request on a connection, pooled or new, is queued as a command with {@code enqueue(Command, Priority)}, on the
 * thread that makes the request when the connection is at hand, and written later by the reactor's thread,
 * outside any scope. The queuing is therefore judged as a write of the session's {@code channel} (a
 * {@code SocketChannel}) by the queuing thread: inside a scope, a connection born in another namespace is
 * {@code SOCKET_IO}, thrown in strict mode before the request is queued.
 */
final class ApacheIOSessionInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "org.apache.hc.core5.reactor.IOSessionImpl";
    }

    @Override
    public boolean relocatable() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Enqueue.class, named("enqueue").and(takesArguments(2)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Apache HttpCore 5 I/O sessions (`IOSessionImpl`, relocated copies included)",
                "`enqueue(Command, Priority)`, where a request is queued for the reactor's thread to write: inside a"
                        + " scope, a session whose socket was born in another namespace is `SOCKET_IO`, on the queuing thread"));
    }

    static final class Enqueue {
        private Enqueue() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.FieldValue("channel") Object channel) {
            GuardBridge.channelIo(channel);
        }
    }
}
