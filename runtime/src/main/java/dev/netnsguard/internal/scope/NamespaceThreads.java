package dev.netnsguard.internal.scope;

import dev.netnsguard.internal.linux.Syscalls;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The dedicated platform threads that run {@code NetNS.call} bodies for one namespace handle.
 *
 * <p>Each thread enters the namespace once, when it starts, and never leaves it: it serves bodies
 * for this handle only and ends when the handle closes or after it has been idle for
 * {@link #KEEP_ALIVE_SECONDS} seconds. There is no upper bound on threads, so bodies that wait for
 * each other (a server and its client in one namespace) cannot deadlock; an idle thread is reused
 * before a new one starts, most recently idle first, because it is the one still spinning.
 */
public final class NamespaceThreads {
    /** How long an idle namespace thread waits for work before it ends. */
    public static final long KEEP_ALIVE_SECONDS = 30;

    /** How long idle namespace threads spin for the next body. */
    private static final Handoff.Spin IDLE = new Handoff.Spin();
    private static final Handoff RETIRED = new Handoff() {
        @Override
        protected void body() { }
    };

    private final int fd;
    private final long inode;
    private final String name;
    private final String threadNamePrefix;
    private final Runnable onEntered;
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger serial = new AtomicInteger();
    private volatile boolean shutdown;

    /**
     * @param fd    the namespace fd; each thread entering it takes its own duplicate, so the caller
     *              may close {@code fd} after {@link #shutdown()}
     * @param inode the namespace's inode, verified by every thread after it enters
     * @param name  the namespace's name, or null for an anonymous one
     * @param threadNamePrefix the start of each thread's name, such as {@code netns-blue-}
     * @param onEntered run by each thread once it is inside the namespace
     */
    public NamespaceThreads(int fd, long inode, String name, String threadNamePrefix, Runnable onEntered) {
        this.fd = fd;
        this.inode = inode;
        this.name = name;
        this.threadNamePrefix = threadNamePrefix;
        this.onEntered = onEntered;
    }

    /**
     * Runs {@code handoff} on a thread inside the namespace and waits for it.
     *
     * @return what the body threw, or an {@link EntryFailedException} if no thread could enter the
     *         namespace, or null
     * @throws IllegalStateException after {@link #shutdown()}
     */
    public Throwable execute(Handoff handoff) {
        if (shutdown) {
            throw new IllegalStateException("namespace threads of " + Scope.labelOf(inode, name) + " are shut down");
        }
        Worker worker;
        while ((worker = idle.pollFirst()) != null) {
            if (worker.offer(handoff)) {
                return handoff.await();
            }
        }
        start(handoff);
        return handoff.await();
    }

    /** Ends every thread once its current body (if any) returns. Idempotent. */
    public void shutdown() {
        shutdown = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker.thread);
        }
    }

    private void start(Handoff first) {
        int entryFd = Syscalls.dupCloexec(fd);
        Worker worker = new Worker(first, entryFd);
        workers.add(worker);
        worker.thread.start();
    }

    private final class Worker implements Runnable {
        private final AtomicReference<Handoff> slot = new AtomicReference<>();
        private final Thread thread;
        private final int entryFd;
        private Handoff first;
        private volatile long offeredAt;

        Worker(Handoff first, int entryFd) {
            this.first = first;
            this.entryFd = entryFd;
            // Not inheriting thread locals: the thread serves every caller, not the one that started it.
            this.thread = new Thread(null, this, threadNamePrefix + serial.incrementAndGet(), 0, false);
            this.thread.setDaemon(true);
        }

        boolean offer(Handoff handoff) {
            offeredAt = System.nanoTime();
            if (slot.compareAndSet(null, handoff)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            Handoff handoff = first;
            first = null;
            try {
                try {
                    NamespaceEntry.enter(entryFd, inode, name);
                } finally {
                    Syscalls.closeQuietly(entryFd);
                }
                onEntered.run();
            } catch (RuntimeException | Error e) {
                workers.remove(this);
                NamespaceEntry.leave();
                handoff.fail(new EntryFailedException(e));
                return;
            }
            try {
                while (handoff != null) {
                    handoff.runHere();
                    handoff = next();
                }
            } finally {
                workers.remove(this);
                NamespaceEntry.leave();
            }
        }

        private Handoff next() {
            slot.set(null);
            idle.offerFirst(this);
            long now = System.nanoTime();
            long start = now;
            long spinUntil = IDLE.start(now);
            boolean spinning = spinUntil != now;
            boolean parked = false;
            long idleUntil = now + TimeUnit.SECONDS.toNanos(KEEP_ALIVE_SECONDS);
            try {
                for (int spins = 0; ; spins++) {
                    Handoff handoff = slot.get();
                    if (handoff != null) {
                        if (parked) {
                            IDLE.missed(offeredAt - start);
                        } else {
                            IDLE.caught();
                        }
                        return handoff;
                    }
                    if (spinning && spins < Handoff.PURE_SPINS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    if (spinning && System.nanoTime() < spinUntil) {
                        Thread.yield();
                        continue;
                    }
                    if (spinning) {
                        spinning = false;
                        IDLE.stop();
                    }
                    now = System.nanoTime();
                    if (shutdown || now >= idleUntil) {
                        if (slot.compareAndSet(null, RETIRED)) {
                            idle.remove(this);
                            return null;
                        }
                    } else {
                        parked = true;
                        LockSupport.parkNanos(this, idleUntil - now);
                    }
                }
            } finally {
                if (spinning) {
                    IDLE.stop();
                }
            }
        }
    }
}
