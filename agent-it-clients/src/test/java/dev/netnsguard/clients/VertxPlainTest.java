package dev.netnsguard.clients;

import dev.netnsguard.agent.NetnsGuard;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static dev.netnsguard.clients.VertxHttp.await;
import static dev.netnsguard.clients.VertxHttp.get;
import static dev.netnsguard.clients.VertxHttp.socketGet;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A plain Vert.x program that never touches a namespace, under the strict guard: its HTTP server (acceptor and
 * event loops), pooled client, DNS resolver, timers, {@code runOnContext} and {@code executeBlocking} (ordered
 * and not) stay silent.
 */
class VertxPlainTest {
    private Vertx vertx;

    @AfterEach
    void closeVertx() throws Exception {
        if (vertx != null) {
            VertxHttp.close(vertx);
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside Vert.x's own work");
    }

    @Test
    void aProgramWithoutNamespacesIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> {
            vertx = Vertx.vertx();
            HttpServer server = await(vertx.createHttpServer().requestHandler(request -> request.response().end("plain"))
                    .listen(0, "127.0.0.1"));
            int port = server.actualPort();
            HttpClientAgent client = VertxHttp.pooledClient(vertx);
            Context context = vertx.getOrCreateContext();
            Promise<String> onLoop = Promise.promise();
            context.runOnContext(v -> get(client, port).onComplete(onLoop));
            Promise<String> onTimer = Promise.promise();
            vertx.setTimer(1, id -> get(client, port).onComplete(onTimer));
            return List.of(await(get(client, port)), await(get(client, port)), await(onLoop.future()),
                    await(onTimer.future()), await(context.executeBlocking(() -> socketGet(port))),
                    await(vertx.executeBlocking(() -> socketGet(port), false)));
        });

        assertEquals(List.of("plain", "plain", "plain", "plain", "plain", "plain"), answers);
    }
}
