package dev.netnsguard.clients;

import dev.netnsguard.agent.NetnsGuard;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle the misuse tests of this module share: {@link TwinServers} started once per class and
 * closed after it, and after each test (once the test's own {@code @AfterEach} closed its clients) the
 * guard put back in report mode with its counters reset, whatever mode the test installed.
 */
final class TwinServersExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    private final String prefix;
    private TwinServers servers;

    /** Twin servers in a namespace named {@code prefix<pid>-<n>}. */
    TwinServersExtension(String prefix) {
        this.prefix = prefix;
    }

    /** The servers of the running test class. */
    TwinServers servers() {
        return servers;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        servers = TwinServers.start(prefix);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (servers != null) {
            servers.close();
        }
    }
}
