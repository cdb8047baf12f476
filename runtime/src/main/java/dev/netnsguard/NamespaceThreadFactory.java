package dev.netnsguard;

import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.linux.SyscallException;
import dev.netnsguard.internal.scope.LaunchThreads;
import dev.netnsguard.internal.scope.NamespaceEntry;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link NetNS#threadFactory()}: threads that enter the namespace before they run anything. */
final class NamespaceThreadFactory implements ThreadFactory {
    private final NetNS ns;
    private final AtomicInteger serial = new AtomicInteger();

    NamespaceThreadFactory(NetNS ns) {
        this.ns = ns;
    }

    @Override
    public Thread newThread(Runnable work) {
        // Each thread gets its own descriptor, taken now while the handle is open, so it can
        // start after the handle is closed; one never started gives it back through the Cleaner.
        EntryFd entryFd = new EntryFd(Syscalls.dupCloexec(ns.fd()));
        NetNS view = ns.hostView();
        Thread thread = new Thread(() -> {
            try {
                NamespaceEntry.enter(entryFd.take(), ns.inode(), ns.name().orElse(null));
            } catch (SyscallException e) {
                throw Failures.of("thread " + Thread.currentThread().getName() + " cannot enter " + ns, e);
            } catch (IllegalStateException e) {
                throw new NetNSException("thread " + Thread.currentThread().getName() + " cannot enter " + ns
                        + ": " + e.getMessage());
            } finally {
                entryFd.release();
            }
            Hosts.entered(view);
            try {
                work.run();
            } finally {
                NamespaceEntry.leave();
            }
        }, ns.threadNamePrefix("thread-") + serial.incrementAndGet());
        LaunchThreads.CLEANER.register(thread, entryFd::release);
        return thread;
    }

    /** A descriptor closed exactly once, by whichever comes first: the thread or the Cleaner. */
    private static final class EntryFd {
        private final AtomicInteger fd;

        EntryFd(int fd) {
            this.fd = new AtomicInteger(fd);
        }

        int take() {
            return fd.get();
        }

        void release() {
            int old = fd.getAndSet(-1);
            if (old >= 0) {
                Syscalls.closeQuietly(old);
            }
        }
    }
}
