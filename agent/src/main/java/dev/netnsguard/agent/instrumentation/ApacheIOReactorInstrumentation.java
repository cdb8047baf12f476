package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Apache HttpCore 5's {@code org.apache.hc.core5.reactor.SingleCoreIOReactor}, one I/O reactor worker of the
 * async HttpClient (relocated copies included). {@code connect(...)} only queues a session request; the reactor's
 * thread opens and connects the socket later, in {@code processPendingConnectionRequests}. The request's remote
 * address object (the one {@code connect} was given; HttpClient's {@code MultihomeIOSessionRequester} makes one
 * per attempt) is recorded with the caller's scope, and the reactor's static {@code openSocketFor(SocketAddress)},
 * which is handed that very object, installs it: the new socket is judged against the scope of whoever asked for
 * the connection. {@code openSocketFor} exists since HttpCore 5.4 (HttpClient 5.5); before, the reactor opened
 * the channel inline and connections are not carried. {@code doExecute()} is the reactor thread's loop: the
 * thread drops the scopes it inherited from the thread that started the reactor ({@code client.start()}). In
 * strict mode a refused socket fails its request with a {@code ConnectException} caused by the violation.
 */
final class ApacheIOReactorInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "org.apache.hc.core5.reactor.SingleCoreIOReactor";
    }

    @Override
    public boolean relocatable() {
        return true;
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Connect.class, named("connect").and(takesArguments(6))
                        .and(takesArgument(1, SocketAddress.class)))
                .advise(type(), OpenSocket.class, named("openSocketFor").and(isStatic()).and(takesArguments(1)))
                .advise(type(), LoopStart.class, named("doExecute").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Apache HttpCore 5 I/O reactor (`SingleCoreIOReactor`, 5.4 and later, relocated"
                + " copies included)", "`connect(...)` (records the remote address object with the caller's scope),"
                + " the static `openSocketFor(SocketAddress)` where the reactor's thread opens that connection's socket"
                + " (installs; in strict mode a refused socket fails that request with a `ConnectException` caused by the"
                + " violation, the reactor goes on), `doExecute()` (the reactor's thread drops the scopes it inherited);"
                + " a connect given no remote address is not carried"));
    }

    static final class Connect {
        private Connect() {}

        /** Before the request is queued: the reactor's thread may take it at once. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object reactor, @Advice.Argument(1) Object remoteAddress) {
            Propagation.record(reactor, remoteAddress, true);
        }
    }

    static final class OpenSocket {
        private OpenSocket() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) Object remoteAddress) {
            return Propagation.enterRecorded(remoteAddress);
        }

        /**
         * A socket refused in strict mode becomes the connect's {@code ConnectException}: the reactor fails that
         * request with it (its cause is the {@code NetNSViolationError}) and goes on; an {@code Error} would end
         * the reactor's thread and leave every request of the client waiting. A {@code ConnectException}, not a
         * plain {@code IOException}: HttpClient's retry strategy retries the latter, outside the scope, where the
         * retried connect would reach the launch namespace after all.
         */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter Object token, @Advice.Thrown(readOnly = false) Throwable thrown) {
            Propagation.exit(token);
            if (thrown instanceof NetNSViolationError) {
                thrown = new ConnectException(thrown.getMessage()).initCause(thrown);
            }
        }
    }

    static final class LoopStart {
        private LoopStart() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object reactor) {
            Propagation.libraryWorkerStarts(reactor);
        }
    }
}
