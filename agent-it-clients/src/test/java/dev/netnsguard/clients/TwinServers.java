package dev.netnsguard.clients;

import com.sun.net.httpserver.HttpServer;
import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Netlink;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two real HTTP servers on the same address, 127.0.0.1 and one port: one in the launch namespace answering
 * {@value #LAUNCH}, one in a fresh namespace answering {@value #BLUE}. Which answer a client gets says in which
 * namespace its request really went, so a misuse is proven to have happened before the guard's report is read.
 * The namespace is named {@code ngtest-lib-<pid>-<n>} (or with the prefix given); {@link #close} stops both
 * servers and deletes it.
 */
final class TwinServers implements AutoCloseable {
    static final String LAUNCH = "launch";
    static final String BLUE = "blue";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final NetNS blue;
    private final HttpServer launchServer;
    private final HttpServer blueServer;

    private TwinServers(String name, NetNS blue, HttpServer launchServer, HttpServer blueServer) {
        this.name = name;
        this.blue = blue;
        this.launchServer = launchServer;
        this.blueServer = blueServer;
    }

    /** Creates the namespace (loopback up) and starts both servers; everything made is undone if a step fails. */
    static TwinServers start() throws IOException {
        return start("ngtest-lib-");
    }

    /** As {@link #start()}, with the namespace named {@code prefix<pid>-<n>}. */
    static TwinServers start(String prefix) throws IOException {
        String name = prefix + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        NetNS blue = NetNS.createNamed(name);
        HttpServer launchServer = null;
        try {
            try (Netlink netlink = Netlink.open(blue)) {
                netlink.setUp("lo");
            }
            launchServer = serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), LAUNCH);
            int port = launchServer.getAddress().getPort();
            // created inside blue, so its listening socket lives there; started outside any scope, so its
            // dispatcher thread is an ordinary launch thread serving a socket of blue
            HttpServer blueServer = serve(blue.call(host ->
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0)), BLUE);
            return new TwinServers(name, blue, launchServer, blueServer);
        } catch (IOException | RuntimeException | Error e) {
            if (launchServer != null) {
                launchServer.stop(0);
            }
            blue.close();
            NetNS.deleteNamed(name);
            throw e;
        }
    }

    private static HttpServer serve(HttpServer server, String answer) {
        byte[] body = answer.getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /** The namespace of the second server. */
    NetNS blue() {
        return blue;
    }

    /** The one port both servers listen on, on 127.0.0.1, each in its namespace. */
    int port() {
        return launchServer.getAddress().getPort();
    }

    /** The one URL both servers answer, each in its namespace. */
    String url() {
        return "http://127.0.0.1:" + launchServer.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        try {
            launchServer.stop(0);
            blueServer.stop(0);
        } finally {
            blue.close();
            NetNS.deleteNamed(name);
        }
    }
}
