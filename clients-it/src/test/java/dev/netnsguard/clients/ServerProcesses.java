package dev.netnsguard.clients;

import java.util.concurrent.TimeUnit;

/** The end of the server processes the tests start (by their own handle, so by PID). */
final class ServerProcesses {
    private ServerProcesses() {}

    /** Ends {@code server} (SIGTERM, then SIGKILL after 30 s); an interrupt skips to SIGKILL and is kept. */
    static void stop(Process server) {
        if (server == null) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
