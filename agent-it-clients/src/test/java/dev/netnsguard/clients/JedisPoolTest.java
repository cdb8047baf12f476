package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

import java.util.List;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jedis keeps its connections in a pool (commons-pool2). A pool used outside any scope and then inside
 * {@code ns.call} of another namespace hands over a connection of the launch namespace, and the launch
 * server answers the command: no socket is created, only the write on the pooled one ({@code SOCKET_IO})
 * shows it. A pool per namespace, used inside it or only outside scopes, stays silent.
 */
class JedisPoolTest {
    private static TwinServers namespaces;
    private static TwinRedis redis;
    private JedisPool pool;

    @BeforeAll
    static void startServers() throws Exception {
        namespaces = TwinServers.start();
        try {
            redis = TwinRedis.start(namespaces.blue());
        } catch (Exception | Error e) {
            namespaces.close();
            throw e;
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            redis.close();
        } finally {
            namespaces.close();
        }
    }

    @AfterEach
    void closePoolAndReset() {
        if (pool != null) {
            pool.close();
        }
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
    }

    private static JedisPool newPool() {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(1); // one connection: the one used outside is the one handed out inside
        config.setJmxEnabled(false);
        return new JedisPool(config, "127.0.0.1", redis.port());
    }

    private static String who(JedisPool pool) {
        try (Jedis jedis = pool.getResource()) {
            return jedis.get(TwinRedis.KEY);
        }
    }

    @Test
    void aPooledConnectionUsedInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        pool = newPool();
        assertEquals(TwinServers.LAUNCH, who(pool));

        String inside = namespaces.blue().call(host -> who(pool));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a command sent in blue");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(namespaces.blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("redis.clients.jedis.")), v.toString());
        }
    }

    @Test
    void strictModeStopsTheCommandBeforeItLeaves() {
        NetnsGuard.install("mode=strict,log=none");
        pool = newPool();
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> who(pool)));

        NetNSViolationError error = assertThrows(NetNSViolationError.class, () -> namespaces.blue().call(host -> who(pool)));

        assertEquals("SOCKET_IO", error.kind());
    }

    @Test
    void aPoolCreatedAndUsedInsideOneNamespaceIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> namespaces.blue().call(host -> {
            pool = newPool();
            return List.of(who(pool), who(pool)); // the second over the pooled connection
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
        assertEquals(1, pool.getNumIdle() + pool.getNumActive(), "one connection, pooled and reused");
    }

    @Test
    void aPoolUsedOutsideScopesOnlyIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        pool = newPool();

        List<String> answers = assertSilent(() -> List.of(who(pool), who(pool)));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), answers);
    }
}
