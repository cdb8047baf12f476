package dev.netnsguard.clients;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.netnsguard.NetNS;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The oracle of the HTTP tests: two HTTP/1.1 servers on the same 127.0.0.1 port, one bound inside a
 * namespace and answering {@code inside}, one in the launch namespace answering {@code outside}. The
 * inside server records the client port of every request, so a test can tell that one pooled
 * connection served several requests.
 */
final class TwinHttpServers implements AutoCloseable {
    static final String INSIDE = "inside";
    static final String OUTSIDE = "outside";
    /** The path each server answers with a redirect to {@code /}. */
    static final String REDIRECT = "/redirect";

    private final HttpServer outside;
    private final HttpServer inside;
    private final List<Integer> insideClientPorts = new CopyOnWriteArrayList<>();
    private final List<Integer> outsideClientPorts = new CopyOnWriteArrayList<>();

    TwinHttpServers(NetNS ns) throws IOException {
        outside = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        int port = outside.getAddress().getPort();
        outside.createContext("/", exchange -> answer(exchange, OUTSIDE, outsideClientPorts));
        try {
            // Bound inside (the socket is born there); its dispatcher thread is started there too.
            inside = ns.call(host -> {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
                server.createContext("/", exchange -> answer(exchange, INSIDE, insideClientPorts));
                server.start();
                return server;
            });
        } catch (IOException | RuntimeException e) {
            outside.stop(0);
            throw e;
        }
        outside.start();
    }

    private static void answer(HttpExchange exchange, String who, List<Integer> clientPorts) throws IOException {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        if (exchange.getRequestURI().getPath().equals(REDIRECT)) {
            exchange.getResponseHeaders().add("Location", "/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        byte[] body = who.getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The port both servers listen on, each in its namespace. */
    int port() {
        return inside.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/} plus {@code path}. */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** {@code http://<host>:<port>} plus {@code path}: a name of {@link NameServerInside}, say. */
    String url(String host, String path) {
        return "http://" + host + ":" + port() + path;
    }

    /** The client port of each request the inside server answered, in order. */
    List<Integer> insideClientPorts() {
        return List.copyOf(insideClientPorts);
    }

    /** How many requests reached the server in the launch namespace. */
    int outsideRequests() {
        return outsideClientPorts.size();
    }

    @Override
    public void close() {
        inside.stop(0);
        outside.stop(0);
    }
}
