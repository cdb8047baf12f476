package dev.netnsguard.internal.scope;

import dev.netnsguard.internal.linux.Syscalls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Moves the calling platform thread into a network namespace, proves it got there, and records it:
 * the one routine every thread netns-guard switches goes through (its {@code call} workers, the
 * threads of {@code threadFactory()}, and {@code enterCurrentThread()}).
 *
 * <p>After entry the thread's scope expects the namespace, the agent (if attached) is told, and the
 * thread is listed in {@link #managedThreads()} under its OS thread id so that thread audits can name it.
 */
public final class NamespaceEntry {
    private static final Map<Integer, Thread> MANAGED = new ConcurrentHashMap<>();

    private NamespaceEntry() {}

    /**
     * Enters the namespace behind {@code fd}, verifies that the thread's namespace is now
     * {@code inode}, and makes the thread's scope expect it, by {@code name} (null for an anonymous namespace).
     *
     * @throws dev.netnsguard.internal.linux.SyscallException if setns fails
     * @throws IllegalStateException if the thread is not in {@code inode} afterwards
     */
    public static void enter(int fd, long inode, String name) {
        Syscalls.setNetNS(fd);
        long actual = ThreadNamespace.currentInode();
        if (actual != inode) {
            throw new IllegalStateException("after setns into " + Scope.labelOf(inode, name) + " the thread is in net:["
                    + actual + "], not net:[" + inode + "]");
        }
        Scopes.swap(null);
        Scopes.enter(inode, name);
        MANAGED.put(Syscalls.gettid(), Thread.currentThread());
        GuardLink.threadSwitched(inode);
    }

    /** Forgets the calling thread; called by managed threads as they end. */
    public static void leave() {
        MANAGED.remove(Syscalls.gettid());
    }

    /** The threads netns-guard switched that are still alive, by OS thread id. */
    public static Map<Integer, Thread> managedThreads() {
        MANAGED.values().removeIf(thread -> !thread.isAlive());
        return Map.copyOf(MANAGED);
    }
}
