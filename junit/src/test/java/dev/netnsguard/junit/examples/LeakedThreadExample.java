package dev.netnsguard.junit.examples;

import dev.netnsguard.junit.NetnsGuardExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;

/**
 * A thread started by the first test does the wrong thing only when the second test lets it (a
 * latch, no timing): the violation happens during the second test, which must fail; the first passes.
 */
@ExtendWith(NetnsGuardExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RunByTheTestKit.class)
public class LeakedThreadExample {
    static TestNamespace green;
    static Thread leaked;
    static final CountDownLatch GO = new CountDownLatch(1);

    @Test
    @Order(1)
    void startsAThreadThatMisbehavesLater() {
        green = TestNamespace.create("green");
        leaked = new Thread(() -> {
            try {
                ForeignSwitch.into(green.ns); // in the namespace, still expecting the launch namespace
                GO.await();
                SocketChannel.open().close(); // created in green, expected the launch namespace
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "ngtest-ju-leaked");
        leaked.start();
    }

    @Test
    @Order(2)
    void duringWhichTheViolationHappens() throws Exception {
        try {
            GO.countDown();
            leaked.join();
        } finally {
            green.close();
        }
    }
}
