package dev.netnsguard.junit.examples;

import dev.netnsguard.junit.NetnsGuarded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;

/**
 * Allow patterns: on the class (a nested class), and on a method. A pattern matches a frame of the
 * offending thread's stack, here a worker's.
 */
@NetnsGuarded(allow = "dev.netnsguard.junit.examples.AllowedExample$LegacyPool")
@ExtendWith(RunByTheTestKit.class)
public class AllowedExample {
    /** Stands for code the team knowingly tolerates. */
    static final class LegacyPool {
        static Void open() throws Exception {
            SocketChannel.open().close();
            return null;
        }
    }

    static Void openSocket() throws Exception {
        SocketChannel.open().close();
        return null;
    }

    /** Runs {@code action} on a worker in {@code ns} that expects the launch namespace. */
    static void onStrayWorker(String tag, Callable<Void> action) throws Exception {
        try (TestNamespace ns = TestNamespace.create(tag)) {
            Thread worker = new Thread(() -> {
                ForeignSwitch.into(ns.ns); // in the namespace, still expecting the launch namespace
                try {
                    action.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "ngtest-ju-" + tag);
            worker.start();
            worker.join();
        }
    }

    @Test
    void allowedByTheClassPattern() throws Exception {
        onStrayWorker("allowed", LegacyPool::open);
    }

    @Test
    @NetnsGuarded(allow = "dev.netnsguard.junit.examples.AllowedExample#openSocket")
    void allowedByTheMethodPattern() throws Exception {
        onStrayWorker("allowed", AllowedExample::openSocket);
    }

    @Test
    void notAllowed() throws Exception {
        onStrayWorker("denied", AllowedExample::openSocket);
    }
}
