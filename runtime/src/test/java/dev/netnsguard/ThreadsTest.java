package dev.netnsguard;

import dev.netnsguard.internal.scope.LaunchThreads;
import dev.netnsguard.internal.scope.Scopes;
import dev.netnsguard.testing.TestNamespaces;
import dev.netnsguard.testing.Threads;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Threads that live in a namespace: factories, executors, raw switches, and the thread audit. */
class ThreadsTest {
    @RegisterExtension
    final TestNamespaces namespaces = new TestNamespaces();

    @Test
    void threadFactoryThreadsRunInsideAndExpectIt() throws Exception {
        try (NetNS ns = NetNS.create()) {
            long[] seen = new long[2];
            Thread thread = ns.threadFactory().newThread(() -> {
                seen[0] = Threads.inode();
                seen[1] = Scopes.expectedInode();
            });
            thread.start();
            thread.join();
            assertEquals(ns.inode(), seen[0]);
            assertEquals(ns.inode(), seen[1]);
        }
    }

    @Test
    void aFactoryThreadStartsInsideEvenAfterTheHandleCloses() throws Exception {
        NetNS ns = NetNS.create();
        AtomicReference<Long> seen = new AtomicReference<>();
        Thread thread = ns.threadFactory().newThread(() -> seen.set(Threads.inode()));
        long inode = ns.inode();
        ns.close();
        thread.start();
        thread.join();
        assertEquals(inode, seen.get());
    }

    @Test
    void executorTasksRunInside() throws Exception {
        try (NetNS ns = NetNS.create()) {
            ExecutorService executor = ns.newExecutor(2);
            try {
                for (int i = 0; i < 10; i++) {
                    assertEquals(ns.inode(), executor.submit(Threads::inode).get());
                }
            } finally {
                executor.shutdown();
                assertTrue(executor.awaitTermination(1, TimeUnit.MINUTES));
            }
            assertThrows(IllegalArgumentException.class, () -> ns.newExecutor(0));
        }
    }

    @Test
    void enterCurrentThreadSwitchesThatThreadAndTheAuditSeesIt() throws Exception {
        String name = namespaces.newName();
        try (NetNS ns = NetNS.createNamed(name)) {
            CountDownLatch switched = new CountDownLatch(1);
            CountDownLatch audited = new CountDownLatch(1);
            long[] seen = new long[2];
            Thread raw = new Thread(() -> {
                ns.enterCurrentThread();
                seen[0] = Threads.inode();
                seen[1] = Scopes.expectedInode();
                switched.countDown();
                try {
                    audited.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ngtest-raw-switch");
            raw.start();
            switched.await();
            try {
                assertEquals(ns.inode(), seen[0]);
                assertEquals(ns.inode(), seen[1], "a switched thread expects its new namespace");
                List<ThreadNetNS> threads = NetNS.auditThreads();
                ThreadNetNS entry = threads.stream().filter(t -> t.thread().orElse(null) == raw).findFirst()
                        .orElseThrow(() -> new AssertionError("switched thread not in audit: " + threads));
                assertEquals(ns.inode(), entry.inode());
                assertEquals(name, entry.namespaceName().orElseThrow());
                assertTrue(entry.managed());
                assertFalse(entry.inLaunchNamespace());
                ThreadNetNS me = threads.stream().filter(t -> t.thread().orElse(null) == Thread.currentThread())
                        .findFirst().orElseThrow();
                assertTrue(me.inLaunchNamespace());
            } finally {
                audited.countDown();
                raw.join();
            }
            assertEquals(NetNS.launch().inode(), Threads.inode(), "only the raw thread was switched");
        }
    }

    @Test
    void enterCurrentThreadRefusesVirtualThreads() throws Exception {
        try (NetNS ns = NetNS.create()) {
            NetNSException e = Threads.onVirtualThread(() -> {
                try {
                    ns.enterCurrentThread();
                    return null;
                } catch (NetNSException refused) {
                    return refused;
                }
            });
            assertTrue(e != null, "a virtual thread must be refused");
            assertTrue(e.getMessage().contains("virtual thread"), e.getMessage());
            assertTrue(e.getMessage().contains("call("), e.getMessage());
            assertEquals(NetNS.launch().inode(), Threads.inode());
        }
    }

    @Test
    void theRuntimesOwnDaemonsLiveInTheLaunchNamespaceEvenWhenStartedInsideABody() throws Exception {
        try (NetNS ns = NetNS.create()) {
            long[] seen = ns.call(host -> {
                long[] r = new long[2];
                Thread daemon = LaunchThreads.newDaemon(() -> r[1] = Threads.inode(), "ngtest-daemon");
                r[0] = Threads.inode();
                daemon.start();
                daemon.join();
                return r;
            });
            assertEquals(ns.inode(), seen[0], "the creator is inside the namespace");
            assertEquals(NetNS.launch().inode(), seen[1], "the daemon must not stay where it was born");
        }
    }

    @Test
    void callThreadsEndWhenTheHandleCloses() throws Exception {
        NetNS ns = NetNS.create();
        Thread worker = ns.call(host -> Thread.currentThread());
        ns.close();
        worker.join(TimeUnit.MINUTES.toMillis(1));
        assertFalse(worker.isAlive(), "a namespace thread must end when its handle closes");
    }
}
