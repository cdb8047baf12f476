package dev.netnsguard.clients;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pgjdbc with {@code socketFactory=dev.netnsguard.NetNSSocketFactory}, alone and under HikariCP, whose
 * connections are opened by the pool's own threads: every query reaches the PostgreSQL server inside
 * the namespace, never the decoy listening on the same 127.0.0.1 port in the launch namespace.
 */
class JdbcTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    private static TestNamespace namespace;
    private static ServerSocketChannel decoy;
    private static int port;
    private static PostgresInside postgres;

    @BeforeAll
    static void start() throws Exception {
        namespace = new TestNamespace();
        decoy = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        decoy.configureBlocking(false);
        port = ((InetSocketAddress) decoy.getLocalAddress()).getPort();
        postgres = new PostgresInside(namespace.ns, port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            if (decoy != null) {
                decoy.close();
            }
            namespace.close();
        }
    }

    @AfterEach
    void nothingReachedTheDecoy() throws Exception {
        SocketChannel strayed = decoy.accept();
        if (strayed != null) {
            strayed.close();
        }
        assertNull(strayed, "a connection reached the launch namespace's listener");
    }

    private static String url(String namespaceArgument) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&sslmode=disable"
                + "&socketFactory=dev.netnsguard.NetNSSocketFactory&socketFactoryArg=" + namespaceArgument;
    }

    /** The server's data directory and the backend process serving this connection. */
    private static String whoServes(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('data_directory'), pg_backend_pid()")) {
            assertTrue(row.next());
            assertEquals(postgres.dataDirectory().toString(), row.getString(1), "the server inside answered");
            return Integer.toString(row.getInt(2));
        }
    }

    @Test
    void withoutTheSocketFactoryTheAddressIsTheDecoys() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            assertTrue(plain.isConnected());
            SocketChannel accepted = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (accepted == null && System.nanoTime() < deadline) {
                accepted = decoy.accept();
            }
            assertNotNull(accepted, "a client in the launch namespace reaches the decoy");
            accepted.close();
        }
    }

    @Test
    void aConnectionByNamespaceNameReachesTheServerInside() throws Exception {
        try (Connection connection = DriverManager.getConnection(url(namespace.name))) {
            whoServes(connection);
        }
    }

    @Test
    void aConnectionByNamespacePathReachesTheServerInside() throws Exception {
        try (Connection connection = DriverManager.getConnection(url(namespace.ns.path().orElseThrow().toString()))) {
            whoServes(connection);
        }
    }

    @Test
    void hikariPoolConnectionsOpenedByItsOwnThreadsReachTheServerInside() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(namespace.name));
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(30_000);
        Set<String> backends = new HashSet<>();
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (int i = 0; i < 10; i++) {
                try (Connection connection = pool.getConnection()) {
                    backends.add(whoServes(connection));
                }
            }
            Callable<String> query = () -> {
                try (Connection connection = pool.getConnection()) {
                    return whoServes(connection);
                }
            };
            for (Future<String> fromAnotherThread : callers.invokeAll(Collections.nCopies(6, query), 60, TimeUnit.SECONDS)) {
                backends.add(fromAnotherThread.get());
            }
            assertTrue(pool.getHikariPoolMXBean().getTotalConnections() <= 2, "at most the pool's two connections");
            assertTrue(backends.size() <= 2, "16 queries served by the pool's connections only: " + backends);
        } finally {
            callers.shutdownNow();
            assertTrue(callers.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
