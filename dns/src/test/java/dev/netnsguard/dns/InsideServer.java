package dev.netnsguard.dns;

import com.sun.net.httpserver.HttpServer;
import dev.netnsguard.NetNS;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** An HTTP server listening inside a namespace on {@link DnsNamespace#ADDRESS}, answering {@code inside}. */
final class InsideServer implements AutoCloseable {
    private final HttpServer server;

    InsideServer(NetNS ns) throws Exception {
        server = ns.call(host -> HttpServer.create(
                new InetSocketAddress(InetAddress.getByName(DnsNamespace.ADDRESS), 0), 16));
        server.createContext("/", exchange -> {
            byte[] body = "inside".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** {@code http://only-in-ns.test:PORT/}: reachable only by a name resolved inside the namespace. */
    String url() {
        return "http://" + DnsNamespace.NAME + ":" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
