package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netlink.Netlink;
import dev.netnsguard.netlink.RouteSocket;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static dev.netnsguard.agent.it.Scenario.LOOPBACK;
import static dev.netnsguard.agent.it.Scenario.attempt;
import static dev.netnsguard.agent.it.Scenario.counts;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.startVirtual;
import static dev.netnsguard.agent.it.Scenario.virtualBuilder;
import static dev.netnsguard.agent.it.Scenario.withNamespace;

/**
 * What {@link EntryPointsIT} forks: {@code EntryPointsScenario <program>}. Every entry point misused
 * ({@code misuse}, which other scenarios reuse as the program whose counts are known), the correct
 * patterns, virtual threads, a tour of the runtime API and the JFR event.
 */
public final class EntryPointsScenario {
    private EntryPointsScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "misuse", () -> withNamespace(EntryPointsScenario::misuse),
                "correct", () -> withNamespace(EntryPointsScenario::correct),
                "virtual", EntryPointsScenario::virtualThreads,
                "virtual-in-scope", () -> withNamespace(EntryPointsScenario::virtualInScope),
                "runtime-tour", () -> withNamespace(EntryPointsScenario::runtimeTour),
                "jfr", () -> withNamespace(EntryPointsScenario::jfr)));
    }

    /** A thread born inside {@code ns} that does not inherit the scope (like a lazily created pool worker). */
    static void onStrayThread(NetNS ns, Runnable work) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ns.run(host -> {
            Thread stray = new Thread(null, () -> {
                try {
                    work.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "ngtest-stray", 0, false);
            stray.start();
            stray.join();
        });
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Misuses every entry point: on a stray thread inside {@code ns}, and with launch-born sockets in its scope. */
    static void misuse(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        onStrayThread(ns, () -> {
            attempt("socket", () -> {
                SocketChannel.open().close();
                return null;
            });
            attempt("serversocket", () -> {
                new ServerSocket(0, 50, LOOPBACK).close();
                return null;
            });
            attempt("datagramsocket", () -> {
                new DatagramSocket().close();
                return null;
            });
            attempt("dns", () -> InetAddress.getByName("localhost"));
            // a reverse lookup, then the JDK's forward confirmation: two lookups
            attempt("reverse-dns", () -> InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName());
            attempt("process", () -> new ProcessBuilder("true").start().waitFor());
            attempt("netlink", () -> {
                RouteSocket.openOnCurrentThread().close();
                return null;
            });
        });
        // sockets born in the launch namespace, used inside a scope that expects ns
        try (ServerSocketChannel server = ServerSocketChannel.open();
             SocketChannel client = SocketChannel.open();
             DatagramChannel datagram = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket datagramSocket = new DatagramSocket()) {
            ns.run(host -> {
                attempt("bind", () -> server.bind(new InetSocketAddress(LOOPBACK, 0)));
                attempt("connect", () -> client.connect(new InetSocketAddress(LOOPBACK, 9)));
                attempt("send", () -> datagram.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(LOOPBACK, 9)));
                attempt("datagramsocket-send", () -> {
                    datagramSocket.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(LOOPBACK, 9)));
                    return null;
                });
            });
        }
        counts();
        List<Violation> recent = NetnsGuard.recentViolations();
        if (!recent.isEmpty()) {
            Violation first = recent.get(0);
            result("first.kind", first.kind());
            result("first.expected", first.expected());
            result("first.actual", first.actual());
            result("first.expectedName", first.expectedName());
            result("first.actualName", first.actualName());
            result("first.thread", first.thread());
        }
    }

    /** Correct use of every entry point: must stay silent. */
    static void correct(NetNS ns) throws Throwable {
        // everything inside call
        ns.run(host -> {
            try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, server.getLocalPort());
                 Socket accepted = server.accept()) {
                client.getOutputStream().write(1);
                accepted.getInputStream().read();
            }
            InetAddress.getByName("localhost");
            new ProcessBuilder("true").start().waitFor();
            try (DatagramChannel d = DatagramChannel.open()) {
                d.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(LOOPBACK, 9));
            }
            try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(LOOPBACK, 9)));
            }
            RouteSocket.openOnCurrentThread().close();
            // a thread started inside the body inherits namespace and scope
            Thread child = new Thread(() -> {
                try {
                    SocketChannel.open().close();
                    InetAddress.getByName("localhost");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            child.start();
            child.join();
        });
        // sockets born in the namespace, bound and used from outside any scope
        try (ServerSocketChannel server = ns.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (SocketChannel client = ns.openSocketChannel()) {
                client.connect(new InetSocketAddress(LOOPBACK, port));
                // ... and inside a scope of the same namespace
                ns.run(host -> {
                    try (SocketChannel inside = SocketChannel.open(new InetSocketAddress(LOOPBACK, port))) {
                        inside.write(ByteBuffer.wrap(new byte[] {1}));
                    }
                });
            }
        }
        try (DatagramChannel born = ns.openDatagramChannel()) {
            born.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(LOOPBACK, 9));
            ns.run(host -> born.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(LOOPBACK, 9)));
        }
        // the namespace's factories and executor
        try (ServerSocket server = ns.serverSocketFactory().createServerSocket(0, 50, LOOPBACK);
             Socket client = ns.socketFactory().createSocket("localhost", server.getLocalPort());
             Socket accepted = server.accept()) {
            client.getOutputStream().write(2);
            accepted.getInputStream().read();
        }
        ExecutorService executor = ns.newExecutor(2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(executor.submit(() -> {
                    SocketChannel.open().close();
                    return InetAddress.getByName("localhost");
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            executor.shutdownNow();
        }
        // a thread switched raw with enterCurrentThread expects the namespace it entered
        Thread switched = new Thread(() -> {
            ns.enterCurrentThread();
            try {
                SocketChannel.open().close();
                InetAddress.getByName("localhost");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "ngtest-switched");
        switched.start();
        switched.join();
        // and the launch namespace, outside scopes
        plainWork();
        counts();
    }

    /** Network work in the launch namespace, outside scopes: never a violation. */
    static void plainWork() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            client.write(ByteBuffer.wrap(new byte[] {3}));
            accepted.read(ByteBuffer.allocate(1));
        }
        InetAddress.getByName("localhost");
        new ProcessBuilder("true").start().waitFor();
        try (DatagramChannel d = DatagramChannel.open()) {
            d.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(LOOPBACK, 9));
        }
    }

    /** Virtual threads outside scopes (JDK 21+): sockets and lookups from many of them must stay silent. */
    static void virtualThreads() throws Exception {
        ExecutorService executor;
        try {
            executor = (ExecutorService) java.util.concurrent.Executors.class
                    .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (NoSuchMethodException beforeJava21) {
            result("virtual", "unsupported");
            return;
        }
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 512)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(executor.submit(() -> {
                    try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                        InetAddress.getByName("localhost");
                        Thread.sleep(1);
                    }
                    return null;
                }));
            }
            Thread acceptor = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        server.accept().close();
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            executor.shutdown();
        }
        result("virtual", "ran");
        counts();
    }

    /**
     * A virtual thread started inside a call body inherits the scope (it expects the namespace) but
     * runs on a carrier in the launch namespace: its socket is born in the wrong place (JDK 21+).
     */
    static void virtualInScope(NetNS ns) throws Throwable {
        Object builder = virtualBuilder();
        if (builder == null) {
            result("virtual", "unsupported");
            return;
        }
        // The carrier must exist before the scope: a carrier created lazily from inside the body would
        // be born in the namespace (the stray-carrier trap), and the socket would land there.
        startVirtual(builder, () -> { }).join();
        ns.run(host -> {
            Thread virtual = startVirtual(builder, () -> attempt("virtual-socket", () -> {
                SocketChannel.open().close();
                return null;
            }));
            virtual.join();
        });
        counts();
        Violation first = NetnsGuard.recentViolations().get(0);
        result("first.virtual", first.virtual());
        result("first.expected", first.expected());
        result("first.actual", first.actual());
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
    }

    static void jfr(NetNS ns) throws Throwable {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("ngtest-ag-", ".jfr");
        try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
            recording.enable("dev.netnsguard.Violation");
            recording.start();
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                ns.run(host -> attempt("bind", () -> server.bind(new InetSocketAddress(LOOPBACK, 0))));
            }
            recording.stop();
            recording.dump(file);
            int events = 0;
            for (jdk.jfr.consumer.RecordedEvent event : jdk.jfr.consumer.RecordingFile.readAllEvents(file)) {
                if (event.getEventType().getName().equals("dev.netnsguard.Violation")) {
                    events++;
                    result("jfr.kind", event.getString("kind"));
                    result("jfr.expected", event.getLong("expected"));
                }
            }
            result("jfr.events", events);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** A representative run of the runtime API, as a user would write it; must be silent in strict mode. */
    static void runtimeTour(NetNS named) throws Throwable {
        try (NetNS anonymous = NetNS.create()) {
            int port = anonymous.call(host -> {
                try (Netlink netlink = Netlink.openOnCurrentThread()) {
                    netlink.setUp("lo");
                }
                return 0;
            });
            result("port", port);
            for (NetNS ns : List.of(named, anonymous)) {
                try (ServerSocketChannel server = ns.openServerSocketChannel()) {
                    server.bind(new InetSocketAddress(LOOPBACK, 0));
                    int p = ((InetSocketAddress) server.getLocalAddress()).getPort();
                    String echoed = ns.call(host -> {
                        try (Socket s = new Socket("localhost", p); SocketChannel a = server.accept()) {
                            OutputStream out = s.getOutputStream();
                            out.write('x');
                            ByteBuffer b = ByteBuffer.allocate(1);
                            a.read(b);
                            return new String(b.array(), StandardCharsets.US_ASCII);
                        }
                    });
                    result("echo", echoed);
                }
                ns.call(host -> {
                    try (InputStream in = new ProcessBuilder("ip", "-o", "link").start().getInputStream()) {
                        return in.readAllBytes().length;
                    }
                });
                NetNS.launch().call(host -> InetAddress.getByName("localhost"));
                NetNS.auditThreads();
            }
        }
        counts();
    }
}
