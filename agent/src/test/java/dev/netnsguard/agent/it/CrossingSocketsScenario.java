package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.netnsguard.agent.it.Scenario.LOOPBACK;
import static dev.netnsguard.agent.it.Scenario.measure;
import static dev.netnsguard.agent.it.Scenario.openSocket;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.socketTask;
import static dev.netnsguard.agent.it.Scenario.startVirtual;
import static dev.netnsguard.agent.it.Scenario.trap;
import static dev.netnsguard.agent.it.Scenario.virtualBuilder;
import static dev.netnsguard.agent.it.Scenario.warm;

/**
 * What {@link CrossingSocketsIT} forks: {@code CrossingSocketsScenario <program>}, trap 4 (sockets that
 * cross scopes) and trap 6 (a correct program with virtual threads).
 */
public final class CrossingSocketsScenario {
    private CrossingSocketsScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "sockets", trap(CrossingSocketsScenario::sockets),
                "virtual-correct", trap(CrossingSocketsScenario::virtualCorrect)));
    }

    /** Trap 4: sockets that cross scopes (a pooled connection, a channel handed between threads). */
    static void sockets(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (NetNS other = NetNS.create();
             java.nio.channels.ServerSocketChannel server = ns.openServerSocketChannel()) {
            result("other.inode", other.inode());
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            InetSocketAddress service = (InetSocketAddress) server.getLocalAddress();
            warm(pool, 1);
            // a connection "pool" filled at start-up, in the launch namespace, used inside ns.call
            java.util.ArrayDeque<SocketChannel> connections = new java.util.ArrayDeque<>();
            connections.add(SocketChannel.open());
            measure("pooled-connection", () -> ns.run(host -> {
                try (SocketChannel c = connections.poll()) {
                    connectQuietly(c, service);
                }
            }));
            // a channel born in ns, handed to a thread that binds it inside another namespace's scope
            SocketChannel bornInNs = ns.call(host -> SocketChannel.open());
            measure("handed-channel", () -> {
                Thread t = new Thread(() -> other.run(host -> {
                    try {
                        bornInNs.bind(new InetSocketAddress(LOOPBACK, 0));
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
                t.start();
                t.join();
            });
            bornInNs.close();
            // a launch-born channel handed to a task submitted from inside ns.call: both stacks
            SocketChannel launchBorn = SocketChannel.open();
            measure("channel-into-carried-task", () -> ns.run(host -> pool.submit(() -> {
                connectQuietly(launchBorn, service);
                return null;
            }).get()));
            launchBorn.close();

            // correct: born in ns on purpose, used outside scopes, on pool threads, and inside ns's scope
            measure("born-in-ns-used-anywhere", () -> {
                try (SocketChannel c = ns.openSocketChannel()) {
                    pool.submit(() -> {
                        c.connect(service);
                        return null;
                    }).get();
                    server.accept().close();
                }
                try (SocketChannel c = ns.openSocketChannel()) {
                    ns.run(host -> pool.submit(() -> {
                        c.connect(service);
                        return null;
                    }).get());
                    server.accept().close();
                }
                try (SocketChannel c = ns.openSocketChannel()) {
                    Thread t = new Thread(() -> ns.run(host -> {
                        try {
                            c.connect(service);
                        } catch (java.io.IOException e) {
                            throw new RuntimeException(e);
                        }
                    }));
                    t.start();
                    t.join();
                    server.accept().close();
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    static void connectQuietly(SocketChannel channel, InetSocketAddress to) throws java.io.IOException {
        try {
            channel.connect(to);
        } catch (java.net.ConnectException refused) {
            // the other namespace's loopback has no listener there
        }
    }

    /** Trap 6: a correct program with virtual threads (JDK 21+) is never reported. */
    static void virtualCorrect(NetNS ns) throws Throwable {
        Object builder = virtualBuilder();
        if (builder == null) {
            result("virtual", "unsupported");
            return;
        }
        try (java.nio.channels.ServerSocketChannel server = ns.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            InetSocketAddress service = (InetSocketAddress) server.getLocalAddress();
            measure("virtual-threads", () -> {
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    threads.add(startVirtual(builder, () -> {
                        try {
                            if (n % 3 == 0) {
                                socketTask().run();                                  // outside scopes, launch
                                java.net.InetAddress.getByName("localhost");
                            } else if (n % 3 == 1) {
                                ns.call(host -> openSocket());                       // inside ns, on its thread
                            } else {
                                try (SocketChannel c = ns.openSocketChannel()) {      // born in ns, used here
                                    c.connect(service);
                                }
                                server.accept().close();
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
            });
            // virtual threads submitting work from inside scopes to a per-task executor and the common pool
            measure("virtual-executor", () -> {
                ExecutorService perTask = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
                try {
                    perTask.submit(() -> ns.call(host -> openSocket())).get();
                    perTask.submit(Scenario::openSocket).get();
                } finally {
                    perTask.shutdown();
                }
            });
        }
    }
}
