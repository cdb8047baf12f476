package dev.netnsguard.internal.scope;

import dev.netnsguard.internal.linux.Syscalls;

import java.lang.ref.Cleaner;

/**
 * The runtime's own background threads, which must live in the namespace the JVM was launched in.
 *
 * <p>A thread is born in its creator's namespace, and the runtime's housekeeping threads are started
 * lazily, from whichever thread first needs them: possibly a {@code call} body inside some namespace.
 * Such a thread would then sit in that namespace for the life of the JVM. So each thread made here
 * checks where it is when it starts and, if it is not in the launch namespace, enters it first.
 */
public final class LaunchThreads {
    /** The one Cleaner of the runtime: releases descriptors of handles and sockets nobody closed. */
    public static final Cleaner CLEANER = Cleaner.create(work -> newDaemon(work, "netns-guard-cleaner"));

    private static final String LAUNCH = "/proc/self/ns/net";

    private LaunchThreads() {}

    /** A daemon platform thread that runs {@code work} in the launch namespace, inheriting no thread locals. */
    public static Thread newDaemon(Runnable work, String name) {
        Thread thread = new Thread(null, () -> {
            enterLaunchNamespaceIfElsewhere();
            work.run();
        }, name, 0, false);
        thread.setDaemon(true);
        return thread;
    }

    private static void enterLaunchNamespaceIfElsewhere() {
        long launch = ThreadNamespace.inodeOf(java.nio.file.Path.of(LAUNCH)).orElse(0);
        if (launch == 0 || ThreadNamespace.currentInode() == launch) {
            return;
        }
        int fd = Syscalls.open(LAUNCH, 0);
        try {
            NamespaceEntry.enter(fd, launch, "launch net:[" + launch + "]");
        } finally {
            Syscalls.closeQuietly(fd);
        }
    }
}
