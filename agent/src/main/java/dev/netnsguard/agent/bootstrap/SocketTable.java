package dev.netnsguard.agent.bootstrap;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The namespace each inet socket was born in, by file descriptor number, recorded when
 * {@code sun.nio.ch.Net} creates it (or Netty's native transport, by number). A socket lives in the namespace it was created in, whichever
 * thread uses it later; reading it back from the kernel (SIOCGSKNS) would need native code.
 *
 * <p>An entry is overwritten when its number is reused by a new socket. Sockets not created through
 * {@code Net} (accepted ones, inherited channels) have no entry or a stale one; see docs/agent.md.
 */
final class SocketTable {
    private static final VarHandle FD = fdHandle();
    private static volatile long[] table = new long[1024];

    private SocketTable() {}

    private static VarHandle fdHandle() {
        try {
            return MethodHandles.privateLookupIn(FileDescriptor.class, MethodHandles.lookup())
                    .findVarHandle(FileDescriptor.class, "fd", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // java.io not opened to the bootstrap part: bookkeeping off, thread namespace used
        }
    }

    /**
     * The descriptor of a JDK socket channel ({@code sun.nio.ch.SocketChannelImpl}'s {@code fd}, the same field on
     * 17 and 25), or null for another kind of channel or where {@code sun.nio.ch} is not opened to this part.
     */
    static FileDescriptor fdOfChannel(Object channel) {
        VarHandle handle = ChannelFd.HANDLE;
        return handle == null || channel == null || channel.getClass() != ChannelFd.TYPE ? null : (FileDescriptor) handle.get(channel);
    }

    /** Looked up at the first channel asked about, once the installer has opened {@code sun.nio.ch}. */
    private static final class ChannelFd {
        static final Class<?> TYPE = type();
        static final VarHandle HANDLE = handle();

        private static Class<?> type() {
            try {
                return Class.forName("sun.nio.ch.SocketChannelImpl", false, null);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }

        private static VarHandle handle() {
            try {
                return MethodHandles.privateLookupIn(TYPE, MethodHandles.lookup()).findVarHandle(TYPE, "fd", FileDescriptor.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // sun.nio.ch not opened to the bootstrap part: such channels are not judged
            }
        }
    }

    static int fdOf(FileDescriptor fd) {
        return fd == null || FD == null ? -1 : (int) FD.get(fd);
    }

    static void record(FileDescriptor fd, long inode) {
        record(fdOf(fd), inode);
    }

    /** Records socket number {@code n} (a socket made natively, e.g. by Netty's epoll transport); 0 forgets it. */
    static void record(int n, long inode) {
        if (n < 0) {
            return;
        }
        long[] t = table;
        if (n >= t.length) {
            t = grow(n);
        }
        t[n] = inode;
    }

    /** The namespace the socket was born in, or 0 if unknown. */
    static long bornIn(FileDescriptor fd) {
        return bornIn(fdOf(fd));
    }

    /** The namespace socket number {@code n} was born in, or 0 if unknown. */
    static long bornIn(int n) {
        long[] t = table;
        return n < 0 || n >= t.length ? 0 : t[n];
    }

    private static synchronized long[] grow(int n) {
        long[] t = table;
        if (n < t.length) {
            return t;
        }
        int size = t.length;
        while (size <= n) {
            size *= 2;
        }
        long[] bigger = java.util.Arrays.copyOf(t, size);
        table = bigger;
        return bigger;
    }
}
