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
