package dev.netnsguard;

import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.linux.SyscallException;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes new namespaces on a throw-away thread: {@code unshare(CLONE_NEWNET)} moves the calling
 * thread, so it is done by a platform thread that ends straight afterwards, never by the caller.
 */
final class Creation {
    private Creation() {}

    /**
     * Unshares on a new thread and returns an O_CLOEXEC descriptor on the new namespace; if
     * {@code mountOn} is not null, the namespace is also bind-mounted there.
     */
    static int unshareOnThrowAwayThread(String mountOn) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                Syscalls.unshareNetNS();
                int fd = Syscalls.open("/proc/thread-self/ns/net", 0);
                if (mountOn != null) {
                    try {
                        Syscalls.bindMount("/proc/thread-self/ns/net", mountOn);
                    } catch (RuntimeException e) {
                        Syscalls.closeQuietly(fd);
                        throw e;
                    }
                }
                outcome.set(fd);
            } catch (RuntimeException | Error e) {
                outcome.set(e);
            }
        }, "netns-guard-create", 0, false);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // The thread must finish either way, or its descriptor would leak; keep the interrupt.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Object result = outcome.get();
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
