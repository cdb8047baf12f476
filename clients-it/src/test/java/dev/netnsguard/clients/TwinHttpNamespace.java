package dev.netnsguard.clients;

/**
 * What the HTTP client tests start with: a fresh namespace, {@link TwinHttpServers} on one port inside and
 * outside it, and a name server inside. Everything made is undone if a step fails, and by {@link #close}.
 */
final class TwinHttpNamespace implements AutoCloseable {
    final TestNamespace namespace;
    final TwinHttpServers servers;
    final NameServerInside names;

    TwinHttpNamespace() throws Exception {
        namespace = new TestNamespace();
        TwinHttpServers startedServers = null;
        try {
            startedServers = new TwinHttpServers(namespace.ns);
            names = new NameServerInside(namespace.ns);
        } catch (Exception | Error e) {
            try {
                if (startedServers != null) {
                    startedServers.close();
                }
            } finally {
                namespace.close();
            }
            throw e;
        }
        servers = startedServers;
    }

    @Override
    public void close() throws Exception {
        try {
            try {
                names.close();
            } finally {
                servers.close();
            }
        } finally {
            namespace.close();
        }
    }
}
