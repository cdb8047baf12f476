package dev.netnsguard.junit.examples;

import dev.netnsguard.junit.NetnsGuardExtension;
import dev.netnsguard.NetNS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two tests running at the same time (run with parallel execution on); one does the wrong thing on
 * its own thread while the other is running. Latches order them; their bounds only keep a broken
 * run from hanging.
 */
@ExtendWith(NetnsGuardExtension.class)
@Execution(ExecutionMode.CONCURRENT)
@ExtendWith(RunByTheTestKit.class)
public class ParallelExample {
    static final CountDownLatch CLEAN_STARTED = new CountDownLatch(1);
    static final CountDownLatch VIOLATED = new CountDownLatch(1);

    @Test
    void violatesOnItsOwnThread() throws Exception {
        if (!CLEAN_STARTED.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the tests did not run in parallel");
        }
        try (TestNamespace ns = TestNamespace.create("parallel")) {
            ForeignSwitch.into(ns.ns);
            try {
                SocketChannel.open().close(); // in ns, expecting the launch namespace
            } finally {
                ForeignSwitch.into(NetNS.launch());
            }
        } finally {
            VIOLATED.countDown();
        }
    }

    @Test
    void cleanWhileTheOtherViolates() throws Exception {
        CLEAN_STARTED.countDown();
        if (!VIOLATED.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the tests did not run in parallel");
        }
    }
}
