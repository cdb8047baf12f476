package dev.netnsguard.junit.examples;

import dev.netnsguard.NetNS;
import dev.netnsguard.junit.NetnsGuardExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Run by NetnsGuardExtensionTest through the engine test kit (the name keeps Surefire away): clean
 * tests and tests with a planted, real violation on the test's thread or on another thread.
 */
@ExtendWith(NetnsGuardExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RunByTheTestKit.class)
public class GuardedExample {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** call, sockets born in a namespace, a server inside a namespace, the namespace's executor. */
    @Test
    @Order(1)
    void cleanUseOfNamespaces() throws Exception {
        try (TestNamespace blue = TestNamespace.create("clean")) {
            // a server socket born in the namespace, bound and accepted on from the test's thread
            try (ServerSocketChannel server = blue.ns.openServerSocketChannel()) {
                server.bind(new InetSocketAddress(LOOPBACK, 0));
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                // a client inside call, and a client socket born in the namespace
                int echoed = blue.ns.call(host -> {
                    try (SocketChannel client = SocketChannel.open(new InetSocketAddress(LOOPBACK, port));
                         SocketChannel accepted = server.accept()) {
                        client.write(ByteBuffer.wrap(new byte[] {42}));
                        ByteBuffer in = ByteBuffer.allocate(1);
                        accepted.read(in);
                        return (int) in.get(0);
                    }
                });
                assertEquals(42, echoed);
                try (SocketChannel born = blue.ns.openSocketChannel()) {
                    born.connect(new InetSocketAddress(LOOPBACK, port));
                    server.accept().close();
                }
            }
            // a server running inside the namespace on one of its threads
            ExecutorService executor = blue.ns.newExecutor(1);
            try {
                ServerSocketChannel inside = executor.submit(
                        () -> ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))).get();
                try (inside) {
                    int port = ((InetSocketAddress) inside.getLocalAddress()).getPort();
                    blue.ns.run(host -> SocketChannel.open(new InetSocketAddress(LOOPBACK, port)).close());
                }
            } finally {
                executor.shutdownNow();
            }
        }
    }

    /**
     * The test's own thread, moved into the namespace by native code, creates a socket there while its
     * code expects the launch namespace; it is moved back before the test ends.
     */
    @Test
    @Order(2)
    void violationOnTheTestThread() {
        try (TestNamespace blue = TestNamespace.create("blue")) {
            ForeignSwitch.into(blue.ns);
            try {
                SocketChannel.open().close(); // created in blue: SOCKET_OPEN
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                ForeignSwitch.into(NetNS.launch());
            }
        }
    }

    /**
     * A worker switched raw into the namespace that then runs code expecting the launch namespace (as a
     * pool thread would): the violation happens on that thread; the test only joins it.
     */
    @Test
    @Order(3)
    void violationOnAnotherThread() throws Exception {
        try (TestNamespace red = TestNamespace.create("red")) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    ForeignSwitch.into(red.ns); // in the namespace, still expecting the launch namespace
                    SocketChannel.open().close(); // created in red: SOCKET_OPEN
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "ngtest-ju-worker");
            worker.start();
            worker.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    /** A socket born in one namespace bound inside a scope of another: SOCKET_BIND on call's thread. */
    @Test
    @Order(4)
    void socketBoundInsideAnotherNamespacesScope() throws Exception {
        try (TestNamespace blue = TestNamespace.create("blue"); TestNamespace red = TestNamespace.create("red");
             ServerSocketChannel bornInBlue = blue.ns.openServerSocketChannel()) {
            red.ns.run(host -> bornInBlue.bind(new InetSocketAddress(LOOPBACK, 0)));
        }
    }

    /** Runs after the violations: nothing of theirs may be charged to it. */
    @Test
    @Order(5)
    void cleanAfterViolations() throws Exception {
        try (TestNamespace blue = TestNamespace.create("after")) {
            blue.ns.run(host -> SocketChannel.open().close());
        }
    }
}
