package dev.netnsguard;

import dev.netnsguard.internal.scope.Scopes;
import dev.netnsguard.testing.Threads;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NetNS#call} and {@link NetNS#run}: where bodies run, what they see, and what reaches the caller. */
class CallTest {
    private static NetNS blue;
    private static NetNS red;

    @BeforeAll
    static void createNamespaces() {
        blue = NetNS.create();
        red = NetNS.create();
    }

    @AfterAll
    static void closeNamespaces() {
        blue.close();
        red.close();
    }

    @Test
    void bodyRunsInsideTheNamespaceAndTheCallerIsNeverSwitched() {
        long before = Threads.inode();
        long inside = blue.call(host -> Threads.inode());
        assertEquals(blue.inode(), inside);
        assertNotEquals(before, inside);
        assertEquals(before, Threads.inode(), "the calling thread must stay where it was");
    }

    @Test
    void bodyRunsOnAnotherPlatformThread() {
        Thread caller = Thread.currentThread();
        Thread runner = blue.call(host -> Thread.currentThread());
        assertNotSame(caller, runner);
    }

    @Test
    void hostIsTheCallersNamespace() {
        NetNS host = blue.call(h -> h);
        assertEquals(NetNS.launch(), host);
        assertEquals(Threads.inode(), host.inode());
    }

    @Test
    void checkedExceptionReachesTheCallerAsTheSameInstance() {
        IOException thrown = new IOException("no route");
        IOException caught = assertThrows(IOException.class, () -> blue.call(host -> {
            throw thrown;
        }));
        assertSame(thrown, caught);
    }

    @Test
    void uncheckedExceptionsAndErrorsReachTheCallerUnchanged() {
        IllegalStateException state = new IllegalStateException("bad");
        assertSame(state, assertThrows(IllegalStateException.class, () -> blue.run(host -> {
            throw state;
        })));
        StackOverflowError error = new StackOverflowError("deep");
        assertSame(error, assertThrows(StackOverflowError.class, () -> blue.run(host -> {
            throw error;
        })));
    }

    @Test
    void runRunsTheBodyInside() {
        AtomicReference<Long> seen = new AtomicReference<>();
        blue.run(host -> seen.set(Threads.inode()));
        assertEquals(blue.inode(), seen.get());
    }

    @Test
    void interruptingTheCallerInterruptsTheBody() throws Exception {
        CountDownLatch bodyStarted = new CountDownLatch(1);
        AtomicBoolean bodyInterrupted = new AtomicBoolean();
        AtomicBoolean callerStillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            blue.run(host -> {
                bodyStarted.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    bodyInterrupted.set(true);
                }
            });
            callerStillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        bodyStarted.await();
        caller.interrupt();
        caller.join();
        assertTrue(bodyInterrupted.get(), "the body must see the caller's interrupt");
        assertTrue(callerStillInterrupted.get(), "the caller keeps its interrupt status");
    }

    @Test
    void aStaleInterruptDoesNotReachTheNextBody() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread caller = new Thread(() -> blue.run(host -> {
            started.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException expected) {
                // the interrupt ends this body
            }
        }));
        caller.start();
        started.await();
        caller.interrupt();
        caller.join();
        for (int i = 0; i < 20; i++) {
            boolean interrupted = blue.call(host -> Thread.currentThread().isInterrupted());
            assertFalse(interrupted);
        }
    }

    @Test
    void nestedCallOnTheSameNamespaceRunsInline() {
        Thread[] threads = blue.call(host -> new Thread[] {Thread.currentThread(),
                blue.call(inner -> Thread.currentThread())});
        assertSame(threads[0], threads[1]);
    }

    @Test
    void nestedCallOnAnotherNamespaceHandsOverAndComesBack() {
        long[] seen = blue.call(host -> {
            long innerInode = red.call(inner -> Threads.inode());
            NetNS innerHost = red.call(inner -> inner);
            return new long[] {Threads.inode(), innerInode, innerHost.inode()};
        });
        assertEquals(blue.inode(), seen[0]);
        assertEquals(red.inode(), seen[1]);
        assertEquals(blue.inode(), seen[2], "a nested body's host is the namespace it was called from");
    }

    @Test
    void twoHundredConcurrentCallers() throws Exception {
        int callers = 200;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CyclicBarrier start = new CyclicBarrier(callers);
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    start.await();
                    long wrong = 0;
                    for (int round = 0; round < 5; round++) {
                        NetNS target = (id + round) % 2 == 0 ? blue : red;
                        long inside = target.call(host -> Threads.inode());
                        if (inside != target.inode()) {
                            wrong++;
                        }
                    }
                    return new long[] {wrong, Threads.inode()};
                }));
            }
            for (Future<long[]> result : results) {
                long[] r = result.get();
                assertEquals(0, r[0], "bodies that ran in the wrong namespace");
                assertEquals(NetNS.launch().inode(), r[1], "no caller may end up switched");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theBodysScopeExpectsTheNamespace() {
        assertEquals(0, Scopes.expectedInode(), "outside any scope nothing is expected");
        long expected = blue.call(host -> Scopes.expectedInode());
        assertEquals(blue.inode(), expected);
        assertEquals(0, Scopes.expectedInode());
    }

    @Test
    void aThreadStartedInsideABodyIsBornThereAndExpectsIt() throws Exception {
        long[] seen = blue.call(host -> {
            long[] r = new long[2];
            Thread child = new Thread(() -> {
                r[0] = Threads.inode();
                r[1] = Scopes.expectedInode();
            });
            child.start();
            child.join();
            return r;
        });
        assertEquals(blue.inode(), seen[0]);
        assertEquals(blue.inode(), seen[1]);
    }

    @Test
    void callOnTheLaunchNamespaceFromAHostThreadRunsInline() {
        assertSame(Thread.currentThread(), NetNS.launch().call(host -> Thread.currentThread()));
    }

    @Test
    void aVirtualCallerIsNeverSwitched() throws Exception {
        long[] seen = Threads.onVirtualThread(() -> {
            long inside = blue.call(host -> Threads.inode());
            NetNS host = blue.call(h -> h);
            return new long[] {inside, Threads.inode(), host.inode()};
        });
        assertEquals(blue.inode(), seen[0]);
        assertEquals(NetNS.launch().inode(), seen[1], "the carrier must not be switched");
        assertEquals(NetNS.launch().inode(), seen[2]);
    }

    @Test
    void manyVirtualCallersAllRunInside() throws Exception {
        long wrong = Threads.onVirtualThread(() -> {
            AtomicReference<Long> bad = new AtomicReference<>(0L);
            List<Future<Long>> results = new ArrayList<>();
            ExecutorService virtualPerTask = newVirtualThreadPerTaskExecutor();
            try {
                for (int i = 0; i < 100; i++) {
                    results.add(virtualPerTask.submit(() -> blue.call(host -> Threads.inode())));
                }
                for (Future<Long> r : results) {
                    if (r.get() != blue.inode()) {
                        bad.set(r.get());
                    }
                }
            } finally {
                virtualPerTask.shutdown();
            }
            return bad.get();
        });
        assertEquals(0L, wrong);
        assertEquals(NetNS.launch().inode(), Threads.inode());
    }

    private static ExecutorService newVirtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
