package dev.netnsguard.clients;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.netnsguard.NetNS;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HikariCP never connects on the caller's thread once the pool is running: {@code getConnection()}
 * waits on the pool's bag while {@code HikariPool.addBagItem} submits the creation to the pool's
 * "connection adder", a {@code ThreadPoolExecutor} of one thread that is started lazily, by the
 * thread whose request needed it, and ends after 5 s idle. Where that thread was born decides where
 * plain pgjdbc connections go; the guard carries the requester's scope to it. Two real PostgreSQL
 * servers listen on 127.0.0.1 and one port, one in the launch namespace and one inside, each
 * answering with its own data directory.
 *
 * <p>clients-it runs in strict mode only, so each misuse proves where the adder thread is with a
 * connection the guard lets through (the same adder, counted by the pool's thread factory), and then
 * shows the refusal the application sees: the adder's socket is refused on Hikari's thread, and the
 * waiting {@code getConnection()} ends with {@link SQLTransientConnectionException} after the pool's
 * connection timeout. Each test asks again well within the adder's 5 s keep-alive, so the same adder
 * thread serves both requests.
 */
class JdbcPoolThreadsTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    private static final Pattern THREAD = Pattern.compile("\"thread\":\"([^\"]*)\"");

    @RegisterExtension
    static final TwinPostgres twins = new TwinPostgres();

    /** Counts the threads the pool made for its housekeeper, adder and closer executors. */
    private static final class CountedThreads implements ThreadFactory {
        final AtomicInteger made = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "hikari-test-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /**
     * A pool that makes no connection before it is asked for one: no minimum idle (the housekeeper
     * fills nothing) and no fail-fast connection in the constructor.
     */
    private static HikariDataSource lazyPool(String urlTail, ThreadFactory threads) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(twins.url() + urlTail);
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(0);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(1_000);
        config.setThreadFactory(threads);
        return new HikariDataSource(config);
    }

    /** The data directory of the server that answered over a connection of {@code pool}. */
    private static Path whoAnswers(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('data_directory')")) {
            row.next();
            return Path.of(row.getString(1));
        }
    }

    /** Closes the pool's idle connection, so that the next request makes a new one. */
    private static void evictIdle(HikariDataSource pool) {
        pool.getHikariPoolMXBean().softEvictConnections();
    }

    /**
     * Every violation of the test so far reads {@code kindAndNamespaces} and names one thread, the
     * pool's adder (Hikari retries a refused connection while the request waits).
     */
    private void assertAllOnOnePoolThread(String kindAndNamespaces) throws IOException {
        List<String> violations = guard.added();
        assertFalse(violations.isEmpty(), "the guard reported the adder's socket");
        Set<String> threads = new HashSet<>();
        for (String violation : violations) {
            assertTrue(violation.startsWith("{" + kindAndNamespaces), violation);
            Matcher thread = THREAD.matcher(violation);
            assertTrue(thread.find(), violation);
            threads.add(thread.group(1));
        }
        assertEquals(1, threads.size(), "one adder thread: " + threads);
        assertTrue(threads.iterator().next().startsWith("hikari-test-"), "a thread of the pool: " + threads);
    }

    /**
     * A pool made outside whose adder was started outside (born in the launch namespace) is asked
     * for a new connection inside {@code ns.call}: the guard carries the call's scope to the adder,
     * whose socket would be born in the launch namespace, and refuses it there.
     */
    @Test
    @ExpectedViolation("SOCKET_OPEN")
    void theCallersScopeGoesWithTheRequestToTheLaunchAdderThatRefusesToConnect() throws Exception {
        CountedThreads threads = new CountedThreads();
        try (HikariDataSource pool = lazyPool("", threads)) {
            assertEquals(twins.launch.dataDirectory(), whoAnswers(pool), "the adder started outside reaches the launch server");
            evictIdle(pool);

            assertThrows(SQLTransientConnectionException.class, () -> twins.namespace.ns.call(host -> whoAnswers(pool)),
                    "the adder's connection for the call was refused, so the call's request times out");
            assertEquals(3, threads.made.get(), "the housekeeper, one adder (the launch one, asked twice), one closer");
            assertAllOnOnePoolThread("\"kind\":\"SOCKET_OPEN\",\"expected\":" + twins.namespace.ns.inode()
                    + ",\"actual\":" + NetNS.launch().inode() + ",");
        }
    }

    /**
     * A pool made inside {@code ns.call} and first used there starts its adder from the call's
     * thread, so the adder is born in the namespace; kept and used outside, it makes the new
     * connection of a caller that expects the launch namespace in the namespace: STRAY_THREAD.
     */
    @Test
    @ExpectedViolation("STRAY_THREAD")
    void aPoolStartedInsideACallMakesConnectionsForOutsideCallersInTheNamespace() throws Exception {
        CountedThreads threads = new CountedThreads();
        HikariDataSource pool = twins.namespace.ns.call(host -> lazyPool("", threads));
        try {
            assertEquals(twins.inside.dataDirectory(), twins.namespace.ns.call(host -> whoAnswers(pool)),
                    "the adder started from the call reaches the server inside");
            evictIdle(pool);

            assertThrows(SQLTransientConnectionException.class, () -> whoAnswers(pool),
                    "the adder born in the namespace was refused a socket for the outside request");
            assertEquals(3, threads.made.get(), "the housekeeper, one adder (the namespace's, asked twice), one closer");
            assertAllOnOnePoolThread("\"kind\":\"STRAY_THREAD\",\"expected\":" + NetNS.launch().inode()
                    + ",\"actual\":" + twins.namespace.ns.inode() + ",");
        } finally {
            pool.close();
        }
    }

    /**
     * The namespace-bound recipe ({@code socketFactory=dev.netnsguard.NetNSSocketFactory}): a pool
     * made outside whose connections are born in the namespace whichever thread makes them, asked
     * outside, inside a call and outside again, each time for a new connection: silent, and always
     * the server inside.
     */
    @Test
    void aNamespaceBoundPoolReachesTheServerInsideFromInsideAndOutsideTheCall() throws Exception {
        CountedThreads threads = new CountedThreads();
        try (HikariDataSource pool = lazyPool("&socketFactory=dev.netnsguard.NetNSSocketFactory&socketFactoryArg="
                + twins.namespace.name, threads)) {
            Path outside = whoAnswers(pool);
            evictIdle(pool);
            Path inCall = twins.namespace.ns.call(host -> whoAnswers(pool));
            evictIdle(pool);
            Path outsideAgain = whoAnswers(pool);

            assertEquals(List.of(twins.inside.dataDirectory(), twins.inside.dataDirectory(), twins.inside.dataDirectory()),
                    List.of(outside, inCall, outsideAgain));
        }
    }
}
