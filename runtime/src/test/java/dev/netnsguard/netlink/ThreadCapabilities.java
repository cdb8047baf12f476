package dev.netnsguard.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Drops a capability from the calling thread's effective set. Capabilities are per thread on
 * Linux, so a test can lose CAP_NET_ADMIN on a thread of its own without affecting the rest of
 * the JVM; the thread must end afterwards, not return to a pool.
 */
final class ThreadCapabilities {
    static {
        Native.register(ThreadCapabilities.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static final int CAP_NET_ADMIN = 12;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    private ThreadCapabilities() {}

    private static native int capget(int[] header, int[] data) throws LastErrorException;

    private static native int capset(int[] header, int[] data) throws LastErrorException;

    static void dropEffective(int capability) {
        int[] header = {LINUX_CAPABILITY_VERSION_3, 0};
        // Two struct __user_cap_data_struct {effective, permitted, inheritable}: bits 0-31, then 32-63.
        int[] data = new int[6];
        capget(header, data);
        data[(capability / 32) * 3] &= ~(1 << (capability % 32));
        capset(header, data);
    }
}
