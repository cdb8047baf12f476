package dev.netnsguard.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The five classic bugs: each moves network work out of the namespace its code expects, the way it
 * happens in real programs. Every connection they make goes to 127.0.0.1 (blue's loopback-only
 * service port), so a bug that goes ahead in report mode is refused on the machine's own loopback.
 */
final class ClassicBugs {
    private static final InetSocketAddress LOOPBACK =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), Demo.LOOPBACK_PORT);

    private ClassicBugs() {}

    /** The name the demo's hosts file gives blue's address ({@code demo/hosts}). */
    static final String BLUE_NAME = "blue.ngdemo.test";

    /**
     * The bugs to commit. The name lookup is committed only when the JDK resolves from the demo's own
     * hosts file ({@code -Djdk.net.hosts.file}, as demo/run.sh sets it): without it a lookup could
     * send a DNS query off the machine.
     */
    static List<Bug> all() {
        List<Bug> bugs = new java.util.ArrayList<>(
                List.of(escapedTask(), strayPoolWorker(), crossedConnection(), rawSwitchOnAPool()));
        if (ownHostsFile()) {
            bugs.add(wrongLookup());
        }
        return bugs;
    }

    static boolean ownHostsFile() {
        return System.getProperty("jdk.net.hosts.file") != null;
    }

    /** Work handed from inside red.call to a pool created outside it runs in the JVM's namespace. */
    static Bug escapedTask() {
        return bug("a task escaping a scope into a shared executor", "SOCKET_OPEN", network -> {
            ExecutorService shared = Executors.newFixedThreadPool(1);
            try {
                shared.submit(() -> { }).get(); // the worker exists before any scope: born in the JVM's namespace
                network.red.run(host -> shared.submit(() -> knock()).get());
            } finally {
                shutdown(shared);
            }
        });
    }

    /** A pool's worker started lazily from inside blue.call lives in blue and serves everyone. */
    static Bug strayPoolWorker() {
        return bug("a pool worker born inside a scope serving others", "STRAY_THREAD", network -> {
            ExecutorService lazy = Executors.newFixedThreadPool(1);
            try {
                network.blue.run(host -> lazy.submit(() -> { }).get()); // the worker is born in blue
                lazy.submit(() -> knock()).get();                      // work from outside any scope
            } finally {
                shutdown(lazy);
            }
        });
    }

    /** A connection made at start-up, in the JVM's namespace, used inside red.call. */
    static Bug crossedConnection() {
        return bug("a connection from one namespace used in another", "SOCKET_CONNECT", network -> {
            try (SocketChannel pooled = SocketChannel.open()) {           // born in the JVM's namespace
                network.red.run(host -> connect(pooled));
            }
        });
    }

    /** enterCurrentThread() on a pooled thread, which then goes back to serving the pool. */
    static Bug rawSwitchOnAPool() {
        return bug("a raw switch left on a pooled thread", "STRAY_THREAD", network -> {
            ExecutorService pool = Executors.newFixedThreadPool(1);
            try {
                pool.submit(() -> network.red.enterCurrentThread()).get(); // switched, and back in the pool
                pool.submit(() -> knock()).get();
            } finally {
                shutdown(pool);
            }
        });
    }

    /**
     * The JVM's name cache is keyed by name only: an answer resolved at start-up, in the JVM's
     * namespace, is served inside red.call as if red had resolved it.
     */
    static Bug wrongLookup() {
        return bug("a name lookup answered from another namespace", "DNS_LOOKUP", network -> {
            InetAddress.getByName(BLUE_NAME);                               // resolved in the JVM's namespace
            network.red.run(host -> InetAddress.getByName(BLUE_NAME));      // served from that cache entry
        });
    }

    /** Opens a socket where the calling thread is and tries blue's loopback-only port on 127.0.0.1. */
    private static Void knock() {
        try (SocketChannel channel = SocketChannel.open()) {
            connect(channel);
        } catch (IOException refused) {
            // refused in the JVM's namespace: nothing listens on its loopback there
        }
        return null;
    }

    private static void connect(SocketChannel channel) {
        try {
            channel.connect(LOOPBACK);
        } catch (IOException refused) {
            // the wrong namespace's loopback has no such listener
        }
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    private static Bug bug(String label, String kind, Commit commit) {
        return new Bug() {
            @Override
            public String label() {
                return label;
            }

            @Override
            public String expectedKind() {
                return kind;
            }

            @Override
            public void commit(Topology network) throws Exception {
                commit.run(network);
            }
        };
    }

    @FunctionalInterface
    private interface Commit {
        void run(Topology network) throws Exception;
    }
}
