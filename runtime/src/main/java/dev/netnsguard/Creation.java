package dev.netnsguard;

import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.linux.SyscallException;
import dev.netnsguard.internal.scope.ThreadNamespace;
import dev.netnsguard.internal.scope.VirtualThreads;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Makes new namespaces on one long-lived creator thread: {@code unshare(CLONE_NEWNET)} moves the
 * calling thread, so it is never done by the caller.
 *
 * <p>The creator lives in the launch namespace. For each request it enters the requester's
 * namespace if that is elsewhere (so a namespace is made from where its caller is, as by a thread
 * the caller started), unshares, opens the new namespace (and bind-mounts it), and {@code setns}es
 * home. Starting and ending a platform thread per creation cost about as much as the kernel's own
 * work; a {@code setns} home costs about a microsecond. A creator that cannot get home ends, so no
 * creation ever starts from the wrong namespace; the next request starts a fresh creator, as does
 * the first request after {@link #IDLE_NANOS} without any.
 */
final class Creation {
    /** How long the creator waits for the next request before it ends. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final Object LOCK = new Object();
    /** Guarded by {@link #LOCK}, as is {@link #creator}. */
    private static final ArrayDeque<Request> QUEUE = new ArrayDeque<>();
    private static Thread creator;

    private Creation() {}

    /**
     * Makes a new namespace from the calling thread's namespace and returns an O_CLOEXEC
     * descriptor on it; if {@code mountOn} is not null, the namespace is also bind-mounted there.
     */
    static int unshare(String mountOn) {
        Request request = new Request(Hosts.ofCurrentThread(VirtualThreads.isVirtual(Thread.currentThread())),
                mountOn);
        synchronized (LOCK) {
            QUEUE.add(request);
            if (creator != null) {
                LOCK.notify();
            } else {
                try {
                    startCreator();
                } catch (RuntimeException | Error e) {
                    QUEUE.remove(request);
                    throw e;
                }
            }
        }
        return request.await();
    }

    /** Called with {@link #LOCK} held. */
    private static void startCreator() {
        // Not inheriting thread locals: the creator serves every caller, not the one that started it.
        Thread thread = new Thread(null, Creation::serve, "netns-guard-creator", 0, false);
        thread.setDaemon(true);
        thread.start();
        creator = thread;
    }

    /** The creator's life: get home, then serve requests until idle or unable to get home. */
    private static void serve() {
        NetNS home = Hosts.LAUNCH;
        try {
            if (ThreadNamespace.currentInode() != home.inode()) {
                // Born from a caller inside another namespace: the launch namespace is home.
                Syscalls.setNetNS(home.fd());
            }
        } catch (RuntimeException | Error e) {
            // A fresh creator would fail the same way: fail what is queued instead.
            end(e);
            return;
        }
        Request request;
        while ((request = next()) != null && request.runFrom(home)) {
            // served; wait for the next one
        }
        end(null);
    }

    /**
     * The creator ends: requests still queued fail with {@code failure} if there is one, else go
     * to a fresh creator (or fail if none can start).
     */
    private static void end(Throwable failure) {
        synchronized (LOCK) {
            if (creator == Thread.currentThread()) {
                creator = null;
            }
            if (QUEUE.isEmpty() || creator != null) {
                return;
            }
            if (failure == null) {
                try {
                    startCreator();
                    return;
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            }
            Request waiting;
            while ((waiting = QUEUE.poll()) != null) {
                waiting.complete(failure);
            }
        }
    }

    /** The next request, or null once the creator has been idle for {@link #IDLE_NANOS}. */
    private static Request next() {
        long deadline = System.nanoTime() + IDLE_NANOS;
        synchronized (LOCK) {
            while (QUEUE.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    creator = null;
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(LOCK, left);
                } catch (InterruptedException ignored) {
                    // Only netns-guard uses this thread; an interrupt asks nothing of it.
                }
            }
            return QUEUE.poll();
        }
    }

    /** One creation: where to make it from, where to mount it, and its outcome. */
    private static final class Request {
        private final NetNS parent;
        private final String mountOn;
        private Object outcome;

        Request(NetNS parent, String mountOn) {
            this.parent = parent;
            this.mountOn = mountOn;
        }

        /**
         * Runs on the creator: makes the namespace and goes home.
         *
         * @return false if the creator could not get home and must end
         */
        boolean runFrom(NetNS home) {
            boolean moved = false;
            Object result;
            try {
                if (parent.inode() != home.inode()) {
                    Syscalls.setNetNS(parent.fd());
                    moved = true;
                }
                Syscalls.unshareNetNS();
                moved = true;
                result = openAndMount();
            } catch (RuntimeException | Error e) {
                result = e;
            }
            boolean back = true;
            if (moved) {
                try {
                    Syscalls.setNetNS(home.fd());
                } catch (RuntimeException | Error e) {
                    back = false;
                }
            }
            complete(result);
            return back;
        }

        /** Called in the new namespace: an O_CLOEXEC descriptor on it, bind-mounted on {@link #mountOn} if asked. */
        private int openAndMount() {
            int fd = Syscalls.open("/proc/thread-self/ns/net", 0);
            if (mountOn != null) {
                try {
                    Syscalls.bindMount("/proc/thread-self/ns/net", mountOn);
                } catch (RuntimeException e) {
                    Syscalls.closeQuietly(fd);
                    throw e;
                }
            }
            return fd;
        }

        synchronized void complete(Object result) {
            outcome = result;
            notifyAll();
        }

        /** Waits for the outcome; the wait cannot be cut short, or the descriptor would leak. */
        int await() {
            boolean interrupted = false;
            Object result;
            synchronized (this) {
                while (outcome == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                result = outcome;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (result instanceof Integer) {
                return (Integer) result;
            }
            if (result instanceof SyscallException) {
                throw Failures.of("create network namespace", (SyscallException) result);
            }
            if (result instanceof RuntimeException) {
                throw (RuntimeException) result;
            }
            throw (Error) result;
        }
    }
}
