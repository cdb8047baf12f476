package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Two real PostgreSQL servers on 127.0.0.1 and one port, one in the launch namespace and one in a test
 * namespace, each answering with its own data directory: the oracle of the JDBC pool tests (which server a
 * connection really reached). Whatever fails while starting is stopped again before the failure is thrown.
 */
final class TwinPostgres implements AutoCloseable {
    final TestNamespace namespace;
    final PostgresInside launch;
    final PostgresInside inside;
    final int port;

    private TwinPostgres(TestNamespace namespace, PostgresInside launch, PostgresInside inside, int port) {
        this.namespace = namespace;
        this.launch = launch;
        this.inside = inside;
        this.port = port;
    }

    static TwinPostgres start() throws Exception {
        TestNamespace namespace = new TestNamespace();
        PostgresInside launch = null;
        try {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            launch = new PostgresInside(NetNS.launch(), port);
            return new TwinPostgres(namespace, launch, new PostgresInside(namespace.ns, port), port);
        } catch (Exception | Error e) {
            try {
                if (launch != null) {
                    launch.close();
                }
            } finally {
                namespace.close();
            }
            throw e;
        }
    }

    /** The JDBC URL of both servers: which one answers depends on where the connection's socket was born. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&sslmode=disable";
    }

    @Override
    public void close() throws Exception {
        try {
            try {
                inside.close();
            } finally {
                launch.close();
            }
        } finally {
            namespace.close();
        }
    }
}
