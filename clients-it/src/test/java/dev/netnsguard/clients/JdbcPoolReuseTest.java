package dev.netnsguard.clients;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.netnsguard.NetNSViolationError;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A HikariCP pool of plain pgjdbc connections (no socket factory) keeps the connections it made where
 * its own threads run. Two real PostgreSQL servers listen on 127.0.0.1 and one port, one in the launch
 * namespace and one inside; each answers with its own data directory. A pool filled outside hands its
 * launch-namespace connection to a query made inside {@code ns.call}: the guard refuses the write. A pool
 * made and used inside one call, or used only outside, reaches the server of its own namespace, silently.
 */
class JdbcPoolReuseTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    @RegisterExtension
    static final TwinPostgres twins = new TwinPostgres();

    private static HikariDataSource newPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(twins.url());
        config.setMaximumPoolSize(1); // one connection: the one used outside is the one handed out inside
        config.setMinimumIdle(1);
        config.setConnectionTimeout(30_000);
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

    @Test
    @ExpectedViolation("SOCKET_IO")
    void aPoolFilledOutsideHandsItsLaunchConnectionToACallAndTheGuardRefusesTheQuery() throws Exception {
        try (HikariDataSource pool = newPool()) {
            assertEquals(twins.launch.dataDirectory(), whoAnswers(pool), "the pool's connection is the launch server's");

            Throwable refused = assertThrows(Throwable.class, () -> twins.namespace.ns.call(host -> whoAnswers(pool)));

            for (Throwable t = refused; t != null; t = t.getCause()) {
                if (t instanceof NetNSViolationError) {
                    assertEquals("SOCKET_IO", ((NetNSViolationError) t).kind());
                    return;
                }
            }
            fail("the query was refused by something else than the guard", refused);
        }
    }

    @Test
    void aPoolMadeAndUsedInsideOneCallReachesTheServerInside() throws Exception {
        List<Path> answers = twins.namespace.ns.call(host -> {
            try (HikariDataSource pool = newPool()) {
                return List.of(whoAnswers(pool), whoAnswers(pool));
            }
        });
        assertEquals(List.of(twins.inside.dataDirectory(), twins.inside.dataDirectory()), answers);
    }

    @Test
    void aPoolUsedOnlyOutsideReachesTheLaunchServer() throws Exception {
        try (HikariDataSource pool = newPool()) {
            assertEquals(List.of(twins.launch.dataDirectory(), twins.launch.dataDirectory()), List.of(whoAnswers(pool), whoAnswers(pool)));
        }
    }
}
