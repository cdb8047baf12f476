package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A named namespace for the forked programs of one test class ({@code prefix<pid>}), created before its
 * tests and deleted after them, whatever they did. Register it as a static field.
 */
final class NamedNamespace implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private NetNS ns;

    NamedNamespace(String prefix) {
        this.name = prefix + ProcessHandle.current().pid();
    }

    /** Its path in the run directory, for the forked programs. */
    String path() {
        return ns.path().orElseThrow().toString();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ns = NetNS.createNamed(name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            ns.close();
        } finally {
            NetNS.deleteNamed(name);
        }
    }
}
