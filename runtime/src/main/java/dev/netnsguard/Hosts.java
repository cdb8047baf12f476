package dev.netnsguard;

import dev.netnsguard.internal.scope.ThreadNamespace;

/**
 * The namespace of the calling thread, as a shared handle to give bodies as {@code host}.
 *
 * <p>Opening {@code /proc/thread-self/ns/net} on every {@code call} would cost more than the rest of
 * the call, so a platform thread's namespace is read once and kept: it changes only by
 * {@code setns}, and every switch netns-guard makes updates it ({@link #entered}). A virtual thread
 * has no namespace of its own (it is its carrier's, which changes), so it is read on each call.
 */
final class Hosts {
    /** The namespace the JVM was launched in: the thread-group leader's, which Java code never switches. */
    static final NetNS LAUNCH = new NetNS(Opener.open("/proc/self/ns/net", "the JVM's launch network namespace"),
            null, null, true);

    private static final ThreadLocal<NetNS> OF_THREAD = new ThreadLocal<>();

    private Hosts() {}

    /** The calling thread's namespace; {@code virtual} says whether the calling thread is virtual. */
    static NetNS ofCurrentThread(boolean virtual) {
        if (virtual) {
            return read();
        }
        NetNS host = OF_THREAD.get();
        if (host == null) {
            host = read();
            OF_THREAD.set(host);
        }
        return host;
    }

    /** Records that the calling thread now lives in {@code view}'s namespace. */
    static void entered(NetNS view) {
        OF_THREAD.set(view);
    }

    private static NetNS read() {
        if (ThreadNamespace.currentInode() == LAUNCH.inode()) {
            return LAUNCH;
        }
        return new NetNS(Opener.open("/proc/thread-self/ns/net", "the calling thread's network namespace"),
                null, null, true);
    }
}
