package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two real PostgreSQL servers on 127.0.0.1 and one port, one in the launch namespace and one in a test
 * namespace, each answering with its own data directory: the oracle of the JDBC pool tests (which server a
 * connection really reached). Started once per test class that registers it, stopped after it; whatever
 * fails while starting is stopped again before the failure is thrown.
 */
final class TwinPostgres implements BeforeAllCallback, AfterAllCallback {
    TestNamespace namespace;
    PostgresInside launch;
    PostgresInside inside;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        namespace = new TestNamespace();
        try {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            launch = new PostgresInside(NetNS.launch(), port);
            inside = new PostgresInside(namespace.ns, port);
        } catch (Exception | Error e) {
            afterAll(context);
            throw e;
        }
    }

    /** The JDBC URL of both servers: which one answers depends on where the connection's socket was born. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&sslmode=disable";
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            try {
                if (inside != null) {
                    inside.close();
                }
            } finally {
                if (launch != null) {
                    launch.close();
                }
            }
        } finally {
            namespace.close();
        }
    }
}
