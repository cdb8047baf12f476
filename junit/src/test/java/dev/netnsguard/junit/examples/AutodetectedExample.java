package dev.netnsguard.junit.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SocketChannel;

/** No annotation: guarded only when Jupiter's extension autodetection is on. */
@ExtendWith(RunByTheTestKit.class)
public class AutodetectedExample {
    @Test
    void plantedViolation() throws Exception {
        try (TestNamespace ns = TestNamespace.create("auto")) {
            Thread worker = new Thread(() -> {
                ForeignSwitch.into(ns.ns); // in the namespace, still expecting the launch namespace
                try {
                    SocketChannel.open().close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "ngtest-ju-auto");
            worker.start();
            worker.join();
        }
    }
}
