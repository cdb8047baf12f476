package dev.netnsguard;

import dev.netnsguard.internal.linux.LibC;
import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.linux.SyscallException;

/**
 * Opens a path as a network namespace and proves it is one, checking the opened descriptor rather
 * than the path so that nothing can be swapped in between.
 */
final class Opener {
    private Opener() {}

    /**
     * @param path the file to open
     * @param what how errors name it, such as {@code named network namespace 'blue' (/run/netns/blue)}
     * @return an O_CLOEXEC descriptor on a network namespace
     */
    static int open(String path, String what) {
        int fd;
        try {
            fd = Syscalls.open(path, 0);
        } catch (SyscallException e) {
            throw e.errno() == LibC.ENOTDIR ? new NoSuchNetNSException("open " + what, e) : Failures.of("open " + what, e);
        }
        try {
            check(fd, path, what);
            return fd;
        } catch (RuntimeException e) {
            Syscalls.closeQuietly(fd);
            throw e;
        }
    }

    private static void check(int fd, String path, String what) {
        long type;
        int nsType;
        try {
            type = Syscalls.fileSystemType(fd);
            nsType = type == LibC.NSFS_MAGIC ? Syscalls.namespaceType(fd) : 0;
        } catch (SyscallException e) {
            throw Failures.of("inspect " + what, e);
        }
        if (type != LibC.NSFS_MAGIC) {
            throw new NotANetNSException(what + " is not a network namespace: " + path
                    + " is not on nsfs (file system type 0x" + Long.toHexString(type)
                    + "); an empty file in the run directory is a namespace whose creation did not finish");
        }
        if (nsType != 0 && nsType != LibC.CLONE_NEWNET) {
            throw new NotANetNSException(what + " is not a network namespace: " + path + " is a "
                    + kindOf(nsType) + " namespace");
        }
    }

    private static String kindOf(int cloneFlag) {
        switch (cloneFlag) {
            case 0x00020000: return "mount";
            case 0x02000000: return "cgroup";
            case 0x04000000: return "UTS";
            case 0x08000000: return "IPC";
            case 0x10000000: return "user";
            case 0x20000000: return "PID";
            case 0x00000080: return "time";
            default: return "type 0x" + Integer.toHexString(cloneFlag);
        }
    }
}
