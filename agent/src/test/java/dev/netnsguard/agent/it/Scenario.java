package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netlink.Netlink;
import dev.netnsguard.netlink.RouteSocket;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the forked JVMs run: {@code Scenario <name> [args]}. Prints {@code RESULT key=value} lines
 * the tests read. Every namespace it makes is named {@code ngtest-ag-<pid>-...} and deleted in finally.
 */
public final class Scenario {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Scenario() {}

    public static void main(String[] args) throws Throwable {
        String name = args[0];
        switch (name) {
            case "misuse": withNamespace(Scenario::misuse); break;
            case "correct": withNamespace(Scenario::correct); break;
            case "virtual": virtualThreads(); break;
            case "config":
                result("mode", NetnsGuard.mode());
                result("config", NetnsGuard.configuration());
                result("violationErrorLoader", NetNSViolationError.class.getClassLoader());
                for (int i = 0; i < 1000 && NetnsGuard.selfTest().equals("running"); i++) {
                    Thread.sleep(10);
                }
                result("selfTest", NetnsGuard.selfTest());
                if (NetnsGuard.isInstalled()) {
                    result("carrierLocal", dev.netnsguard.agent.bootstrap.GuardBridge.carrierLocal());
                }
                break;
            case "coexist": coexist(); break;
            case "native-switch": withNamespace(Scenario::nativeSwitch); break;
            case "virtual-in-scope": withNamespace(Scenario::virtualInScope); break;
            case "plain": plain(); break;
            case "attach-target": withNamespace(Scenario::attachTarget); break;
            case "threads-target": withNamespace(Scenario::threadsTarget); break;
            case "programmatic": withNamespace(Scenario::programmatic); break;
            case "jfr": withNamespace(Scenario::jfr); break;
            case "runtime-tour": withNamespace(Scenario::runtimeTour); break;
            default: throw new IllegalArgumentException(name);
        }
        result("done", "true");
    }

    interface Body {
        void run(NetNS ns) throws Throwable;
    }

    static void withNamespace(Body body) throws Throwable {
        String name = "ngtest-ag-" + ProcessHandle.current().pid();
        NetNS ns = NetNS.createNamed(name);
        try {
            try (Netlink netlink = Netlink.open(ns)) { // loopback up inside, through the runtime's netlink client
                netlink.setUp("lo");
            }
            body.run(ns);
        } finally {
            ns.close();
            NetNS.deleteNamed(name);
        }
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
        System.out.flush();
    }

    static void counts() {
        for (Map.Entry<String, Long> e : NetnsGuard.counts().entrySet()) {
            result("count." + e.getKey(), e.getValue());
        }
        result("count.total", NetnsGuard.violations());
    }

    /** Runs {@code action}, recording a thrown NetNSViolationError as "thrown.<label>=<kind>". */
    static void attempt(String label, Callable<?> action) {
        try {
            action.call();
            result("ran." + label, "true");
        } catch (NetNSViolationError e) {
            result("thrown." + label, e.kind());
            result("message." + label, e.getMessage().replace('\n', ' '));
        } catch (Throwable e) {
            result("failed." + label, e.toString().replace('\n', ' '));
        }
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

    // ------------------------------------------------------------------ misuse of every entry point

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

    // ------------------------------------------------------------------ correct use: must stay silent

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

    static void plain() throws Exception {
        plainWork();
        counts();
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
     * A thread moved by a raw setns the runtime does not hear about (as native code would do), then
     * opening sockets: only the periodic re-read of /proc can notice.
     */
    static void nativeSwitch(NetNS ns) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                SocketChannel.open().close(); // the guard caches: launch namespace
                dev.netnsguard.internal.linux.Syscalls.setNetNS(ns.fd());
                for (int i = 0; i < 20; i++) {
                    SocketChannel.open().close();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "ngtest-native-switch");
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        counts();
    }

    /** The application's own (unshaded) ByteBuddy next to the agent's shaded one, with a second agent attached. */
    static void coexist() throws Throwable {
        Class<?> generated = new net.bytebuddy.ByteBuddy().subclass(Object.class).name("ngtest.Generated")
                .make().load(Scenario.class.getClassLoader()).getLoaded();
        result("generated", generated.getName());
        result("secondAgent", net.bytebuddy.agent.Installer.getInstrumentation() != null);
        withNamespace(Scenario::misuse);
    }

    /**
     * A virtual thread started inside a call body inherits the scope (it expects the namespace) but
     * runs on a carrier in the launch namespace: its socket is born in the wrong place (JDK 21+).
     */
    static void virtualInScope(NetNS ns) throws Throwable {
        Object builder;
        try {
            builder = Thread.class.getMethod("ofVirtual").invoke(null);
        } catch (NoSuchMethodException beforeJava21) {
            result("virtual", "unsupported");
            return;
        }
        java.lang.reflect.Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        // The carrier must exist before the scope: a carrier created lazily from inside the body would
        // be born in the namespace (the stray-carrier trap), and the socket would land there.
        ((Thread) start.invoke(builder, (Runnable) () -> { })).join();
        ns.run(host -> {
            Thread virtual = (Thread) start.invoke(builder, (Runnable) () -> attempt("virtual-socket", () -> {
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

    // ------------------------------------------------------------------ attach, threads, programmatic

    /** Waits for a line on stdin (the test attaches the agent meanwhile), then misuses a socket in a scope. */
    static void attachTarget(NetNS ns) throws Throwable {
        // The runtime is loaded and its scopes used before the agent attaches.
        ns.run(host -> SocketChannel.open().close());
        result("ready", ProcessHandle.current().pid());
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        // Sockets created before the agent attached have no recorded birth namespace; this one is new.
        ServerSocketChannel server = ServerSocketChannel.open(); // born in the launch namespace
        ns.run(host -> attempt("bind", () -> server.bind(new InetSocketAddress(LOOPBACK, 0))));
        server.close();
        result("installed", NetnsGuard.isInstalled());
        counts();
    }

    static void threadsTarget(NetNS ns) throws Throwable {
        Thread switched = new Thread(() -> {
            ns.enterCurrentThread();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException done) {
                // released by the test
            }
        }, "ngtest-switched-thread-long-name");
        switched.setDaemon(true);
        switched.start();
        while (switched.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(10);
        }
        result("ns.name", ns.name().orElseThrow());
        result("ready", ProcessHandle.current().pid());
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        switched.interrupt();
        switched.join();
    }

    static void programmatic(NetNS ns) throws Throwable {
        result("before", NetnsGuard.isInstalled());
        NetnsGuard.install("mode=strict");
        result("after", NetnsGuard.isInstalled());
        result("mode", NetnsGuard.mode());
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            ns.run(host -> attempt("bind", () -> server.bind(new InetSocketAddress(LOOPBACK, 0))));
        }
        NetnsGuard.install("mode=report");
        result("mode.later", NetnsGuard.mode());
        counts();
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
