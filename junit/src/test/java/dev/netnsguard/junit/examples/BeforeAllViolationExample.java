package dev.netnsguard.junit.examples;

import dev.netnsguard.junit.NetnsGuarded;
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
                ForeignSwitch.into(ns.ns); // in the namespace, still expecting the launch namespace
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
