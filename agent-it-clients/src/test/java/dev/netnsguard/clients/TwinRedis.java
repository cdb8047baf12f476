package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two real {@code redis-server} processes on 127.0.0.1 and one port: one started in the launch namespace, one
 * started inside a namespace (a child of a namespace thread is born there). Each holds the key {@value #KEY}
 * naming where it runs ({@link TwinServers#LAUNCH} or {@link TwinServers#BLUE}), so a client's answer says where
 * its command really went. {@link #close} ends both processes by their handles.
 */
final class TwinRedis implements AutoCloseable {
    static final String KEY = "who";

    private final int port;
    private final Process launch;
    private final Process blue;

    private TwinRedis(int port, Process launch, Process blue) {
        this.port = port;
        this.launch = launch;
        this.blue = blue;
    }

    /** Starts both servers, waits until each answers, and stores each one's name under {@link #KEY}. */
    static TwinRedis start(NetNS blueNamespace) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process launch = null;
        Process blue = null;
        try {
            launch = server(port).start();
            blue = blueNamespace.call(host -> server(port).start());
            ready(launch, port, TwinServers.LAUNCH);
            Process blueProcess = blue;
            blueNamespace.call(host -> {
                ready(blueProcess, port, TwinServers.BLUE);
                return null;
            });
            return new TwinRedis(port, launch, blue);
        } catch (Exception | Error e) {
            stop(launch);
            stop(blue);
            throw e;
        }
    }

    private static ProcessBuilder server(int port) {
        return new ProcessBuilder(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }

    /** Waits (at most 10 s) until the server answers on the calling thread's namespace, then names it. */
    private static void ready(Process server, int port, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with " + server.exitValue());
            }
            try (Jedis jedis = new Jedis("127.0.0.1", port, 2_000)) {
                jedis.set(KEY, name);
                return;
            } catch (JedisConnectionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server on port " + port + " did not answer in 10 s", notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        stop(launch);
        stop(blue);
    }

    private static void stop(Process server) {
        if (server == null) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
