package dev.netnsguard.junit.examples;

import dev.netnsguard.junit.NetnsGuarded;
import dev.netnsguard.scope.Scopes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SocketChannel;

/** A violation in {@code @BeforeAll}, while no test runs: the class fails, its test passes. */
@NetnsGuarded
@ExtendWith(RunByTheTestKit.class)
public class BeforeAllViolationExample {
    @BeforeAll
    static void setUpInTheWrongNamespace() throws Exception {
        try (TestNamespace ns = TestNamespace.create("beforeall")) {
            Thread worker = new Thread(() -> {
                ns.ns.enterCurrentThread();
                Scopes.swap(null);
                try {
                    SocketChannel.open().close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "ngtest-ju-beforeall");
            worker.start();
            worker.join();
        }
    }

    @Test
    void clean() {
    }
}
