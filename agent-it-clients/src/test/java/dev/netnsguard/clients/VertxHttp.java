package dev.netnsguard.clients;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the Vert.x tests do over HTTP: a pooled Vert.x client's GET, a plain JDK socket's GET, and waiting. */
final class VertxHttp {
    static final long TIMEOUT_SECONDS = 10;

    private VertxHttp() {}

    /** A client of {@code vertx} that keeps one connection alive and reuses it. */
    static HttpClientAgent pooledClient(Vertx vertx) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    }

    /** A GET of {@code /} from 127.0.0.1:{@code port}; its body. */
    static Future<String> get(HttpClientAgent client, int port) {
        return client.request(HttpMethod.GET, port, "127.0.0.1", "/")
                .compose(request -> request.send().compose(response -> response.body()))
                .map(Buffer::toString);
    }

    /** Waits for {@code future}; its failure is the {@link ExecutionException}'s cause. */
    static <T> T await(Future<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Waits until {@code vertx}'s event loops have run what the I/O they are processing queued: the client has put
     * the connection of a finished response back in its pool. A request made before that waits in the pool and
     * is written when the pool hands it the connection, from the event loop's I/O event, with no submitter.
     */
    static void settle(Vertx vertx) throws Exception {
        Promise<Void> ran = Promise.promise();
        vertx.runOnContext(v -> ran.complete());
        await(ran.future());
    }

    /** Closes {@code vertx} and waits for it. */
    static void close(Vertx vertx) throws Exception {
        await(vertx.close());
    }

    /** A GET of {@code /} over a new JDK socket to 127.0.0.1:{@code port}, made on the calling thread; the body. */
    static String socketGet(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
