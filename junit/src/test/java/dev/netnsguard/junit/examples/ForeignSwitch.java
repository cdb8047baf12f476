package dev.netnsguard.junit.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.netnsguard.NetNS;

/**
 * Moves the calling platform thread with a raw {@code setns(2)} through JNA, as any native library
 * could, behind the runtime's back: the thread then runs in the namespace while its code still expects
 * what it expected before (no scope changes). The classic bug the examples plant.
 */
final class ForeignSwitch {
    private static final int CLONE_NEWNET = 0x40000000;

    interface LibC extends Library {
        int setns(int fd, int nstype);
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private ForeignSwitch() {}

    /** Moves the calling thread into {@code ns}. */
    static void into(NetNS ns) {
        if (LIBC.setns(ns.fd(), CLONE_NEWNET) != 0) {
            throw new IllegalStateException("setns into " + ns + " failed: errno " + Native.getLastError());
        }
    }
}
