package dev.netnsguard.internal.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls netns-guard makes, bound once through JNA direct mapping (no native build).
 *
 * <p>Every call that can fail declares {@link LastErrorException}, so the errno of a failure is
 * captured on the calling thread before any other code can overwrite it. Sizes ({@code size_t},
 * {@code ssize_t}) are mapped to {@code long}: netns-guard supports 64-bit Linux only.
 *
 * <p>This class is internal to netns-guard: its shape follows the kernel, not a compatibility promise.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {}

    public static final int O_RDONLY = 0;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_CLOEXEC = 02000000;

    public static final int CLONE_NEWNET = 0x40000000;
    /** {@code f_type} of a file on the nsfs pseudo file system ({@code NSFS_MAGIC}). */
    public static final long NSFS_MAGIC = 0x6e736673L;
    /** {@code _IO(0xb7, 0x3)}: which kind of namespace an nsfs fd refers to (Linux 4.11+). */
    public static final long NS_GET_NSTYPE = 0xb703L;
    /** Opens the network namespace a socket lives in (Linux 4.9+). */
    public static final long SIOCGSKNS = 0x894CL;

    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;

    public static final int LOCK_EX = 2;
    public static final int F_DUPFD_CLOEXEC = 1030;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;

    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final int NETLINK_ROUTE = 0;
    public static final int SOL_SOCKET = 1;
    public static final int SOL_NETLINK = 270;

    public static native int open(String path, int flags, int mode) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    public static native int setns(int fd, int nstype) throws LastErrorException;

    public static native int unshare(int flags) throws LastErrorException;

    /** {@code struct statfs} is read as longs: {@code f_type} is element 0 on x86_64 and aarch64. */
    public static native int fstatfs(int fd, long[] statfs) throws LastErrorException;

    /** {@code struct stat} is read as longs: {@code st_dev} is element 0, {@code st_ino} element 1. */
    public static native int fstat(int fd, long[] stat) throws LastErrorException;

    public static native int ioctl(int fd, long request) throws LastErrorException;

    public static native int mount(String source, String target, String fstype, long flags, Pointer data)
            throws LastErrorException;

    public static native int umount2(String target, int flags) throws LastErrorException;

    public static native int unlink(String path) throws LastErrorException;

    public static native int mkdir(String path, int mode) throws LastErrorException;

    public static native int flock(int fd, int operation) throws LastErrorException;

    public static native int gettid();

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    public static native int getsockname(int fd, byte[] address, int[] length) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int option, int[] value, int length)
            throws LastErrorException;

    public static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    public static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    public static native String strerror(int errnum);

    /** glibc 2.32+: the symbolic name of an errno value, such as {@code "ENOENT"}. */
    public static native String strerrorname_np(int errnum);
}
