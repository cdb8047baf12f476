package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lettuce runs on Netty: a command is written by the connection's event loop (Netty's hand-over carries the
 * caller's scope), a connection's socket is made by the thread that calls {@code connect} ({@code Bootstrap.connect}),
 * and a reconnect runs on a thread of its computation group ({@code DefaultEventExecutorGroup}, Netty event
 * executors too), started by its timer. Each case proven by which twin {@code redis-server} answered: a
 * connection made outside used inside a scope of another namespace ({@code SOCKET_IO}; in strict mode the
 * refused write is the event loop's, so the command fails with Lettuce's {@code RedisException}); client
 * resources built inside a call, whose timer and computation threads are born there, reconnecting a connection
 * of the launch namespace into it ({@code STRAY_THREAD}: the timer's thread no longer hands its inherited scope
 * to every reconnect); and the
 * documented limit of work with no submitter: a connection made inside a call reconnected by the timer outside
 * any scope, unreported until it is used inside the scope again, and a client kept entirely inside a call whose
 * reconnect, outside any scope, is reported on the computation thread born there. The correct
 * programs stay silent in strict mode: a client with its own resources created, connected and used inside one
 * call; one used only outside; and one first connected inside a call (its event loops born there) then
 * connected and used outside, because the new socket is made by the calling thread.
 */
class LettuceTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-al-");
    /** Lettuce logs each reconnect through java.util.logging (Netty refuses SLF4J's no-op provider): kept quiet. */
    private static final Logger LETTUCE_LOG = Logger.getLogger("io.lettuce.core");
    private static TwinRedis redis;
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void startRedis() throws Exception {
        LETTUCE_LOG.setLevel(Level.WARNING);
        redis = TwinRedis.start(twins.servers().blue());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeClient() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(10));
        }
        if (resources != null) {
            resources.shutdown(0, 10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        }
    }

    private RedisClient newClient() {
        return newClient(DefaultClientResources.builder());
    }

    private RedisClient newClient(DefaultClientResources.Builder builder) {
        resources = builder.ioThreadPoolSize(2).computationThreadPoolSize(1).build();
        return RedisClient.create(resources, RedisURI.builder().withHost("127.0.0.1").withPort(redis.port())
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    private static String who(StatefulRedisConnection<String, String> connection) {
        return connection.sync().get(TwinRedis.KEY);
    }

    /** Ends every client connection of the server in {@code ns} (null: the launch one), from a connection of its own. */
    private static void killClients(NetNS ns) throws Exception {
        if (ns == null) {
            kill();
        } else {
            ns.call(host -> {
                kill();
                return null;
            });
        }
    }

    private static void kill() {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port(), 2_000)) {
            jedis.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
    }

    @Test
    void aConnectionMadeOutsideUsedInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        client = newClient();
        connection = client.connect();
        assertEquals(TwinServers.LAUNCH, who(connection));
        NetnsGuard.resetCounters();

        String inside = twins.servers().blue().call(host -> who(connection));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a command sent in blue");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.submittedFrom().stream().anyMatch(frame -> frame.startsWith("io.lettuce.core.")),
                    "the write was handed to the event loop by Lettuce inside the scope: " + v);
        }
    }

    @Test
    void strictModeFailsTheCommandOnTheEventLoop() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        client = newClient();
        connection = client.connect();
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> who(connection)));

        // the refused write is the event loop's: Netty fails it and shuts the channel's output, Lettuce fails the command
        RedisException failure = assertThrows(RedisException.class, () -> twins.servers().blue().call(host -> who(connection)));

        assertEquals(Map.of("SOCKET_IO", 1L), GuardAssertions.reported(), failure.toString());
    }

    @Test
    void resourcesBuiltInsideACallReconnectALaunchConnectionIntoTheirNamespaceAndAreReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        // building the resources starts their timer's thread (and the computation group's), born in blue
        client = twins.servers().blue().call(host -> newClient());
        connection = client.connect();
        assertEquals(TwinServers.LAUNCH, who(connection));
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());

        killClients(null);
        String reconnected = who(connection);

        assertEquals(TwinServers.BLUE, reconnected, "the misuse happened: the reconnect of a launch connection reached blue");
        Violation v = assertOnly("STRAY_THREAD").get(0);
        assertEquals(NetnsGuard.launchInode(), v.expected(), v.toString());
        assertEquals(twins.servers().blue().inode(), v.actual(), v.toString());
        assertTrue(v.detail().startsWith("SOCKET_OPEN on pool thread"), v.detail());
        // started by the timer's thread, itself born in blue when the resources were built there
        assertTrue(v.detail().contains("born in net:[" + twins.servers().blue().inode() + "], started by \"lettuce-timer-"), v.detail());
    }

    @Test
    void aReconnectFromTheTimerHasNoSubmitterAndIsReportedOnlyAtTheNextUseInsideTheScope() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = newClient();
        connection = twins.servers().blue().call(host -> client.connect());
        assertEquals(TwinServers.BLUE, twins.servers().blue().call(host -> who(connection)));

        killClients(twins.servers().blue());
        String afterReconnect = who(connection);

        assertEquals(TwinServers.LAUNCH, afterReconnect, "the reconnect, outside any scope, made its socket in the launch namespace");
        assertEquals(0, NetnsGuard.violations(), "the reconnect itself is not judged: " + NetnsGuard.recentViolations());

        assertEquals(TwinServers.LAUNCH, twins.servers().blue().call(host -> who(connection)));
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
        }
    }

    @Test
    void aClientKeptInsideACallIsReportedAtItsFirstReconnectFromTheTimer() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        NetNS blue = twins.servers().blue();
        assertEquals(TwinServers.BLUE, blue.call(host -> {
            client = newClient();
            connection = client.connect();
            return who(connection);
        }));
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());

        killClients(blue);
        String reconnected = blue.call(host -> who(connection));

        // the reconnect reached blue only because the computation thread happened to be born there: it ran with no
        // scope, expecting the launch namespace, as any work without a submitter does
        assertEquals(TwinServers.BLUE, reconnected);
        Violation v = assertOnly("STRAY_THREAD").get(0);
        assertEquals(NetnsGuard.launchInode(), v.expected(), v.toString());
        assertEquals(blue.inode(), v.actual(), v.toString());
        assertTrue(v.detail().startsWith("SOCKET_OPEN on pool thread \"lettuce-eventExecutorLoop-"), v.detail());
    }

    @Test
    void aClientCreatedConnectedAndUsedInsideOneCallIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            client = newClient();
            connection = client.connect();
            return List.of(who(connection), who(connection));
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @Test
    void aClientUsedOutsideScopesOnlyIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = newClient();

        List<String> answers = assertSilent(() -> {
            connection = client.connect();
            return List.of(who(connection), who(connection));
        });

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), answers);
    }

    @Test
    void aClientFirstConnectedInsideACallThenConnectedOutsideIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = newClient();

        List<String> answers = assertSilent(() -> {
            try (StatefulRedisConnection<String, String> first = twins.servers().blue().call(host -> client.connect())) {
                // its event loops started now, born in blue; a later connect still makes its socket on the calling thread
                String inBlue = twins.servers().blue().call(host -> who(first));
                connection = client.connect();
                return List.of(inBlue, who(connection));
            }
        });

        assertEquals(List.of(TwinServers.BLUE, TwinServers.LAUNCH), answers);
    }
}
