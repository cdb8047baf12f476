package dev.netnsguard.internal.linux;

import com.sun.jna.LastErrorException;

/**
 * The system calls netns-guard makes, each turning a failure into a {@link SyscallException}
 * that names the call, its argument and the errno. Stateless; safe from any thread.
 */
public final class Syscalls {
    private Syscalls() {}

    /** {@code open(path, O_RDONLY | O_CLOEXEC | extraFlags)}. */
    public static int open(String path, int extraFlags) {
        try {
            return LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC | extraFlags, 0);
        } catch (LastErrorException e) {
            throw failure("open " + path, e);
        }
    }

    /** Creates {@code path} as an empty file, failing with EEXIST if anything is there already. */
    public static void createExclusive(String path) {
        try {
            LibC.close(LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_CREAT | LibC.O_EXCL, 0));
        } catch (LastErrorException e) {
            throw failure("create " + path, e);
        }
    }

    public static int dupCloexec(int fd) {
        try {
            return LibC.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw failure("dup fd " + fd, e);
        }
    }

    /** Closes {@code fd}; errors are ignored because the fd is released by the kernel in any case. */
    public static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // close(2) releases the descriptor even when it reports EINTR or EIO.
        }
    }

    /** The file system magic ({@code f_type}) of the file behind {@code fd}. */
    public static long fileSystemType(int fd) {
        long[] statfs = new long[16];
        try {
            LibC.fstatfs(fd, statfs);
        } catch (LastErrorException e) {
            throw failure("fstatfs fd " + fd, e);
        }
        return statfs[0];
    }

    /** {@code {st_dev, st_ino}} of the file behind {@code fd}. */
    public static long[] deviceAndInode(int fd) {
        long[] stat = new long[18];
        try {
            LibC.fstat(fd, stat);
        } catch (LastErrorException e) {
            throw failure("fstat fd " + fd, e);
        }
        return new long[] {stat[0], stat[1]};
    }

    /**
     * The {@code CLONE_NEW*} type of the namespace behind an nsfs fd, or 0 where the kernel
     * predates {@code NS_GET_NSTYPE} (Linux 4.11).
     */
    public static int namespaceType(int fd) {
        try {
            return LibC.ioctl(fd, LibC.NS_GET_NSTYPE);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOTTY || e.getErrorCode() == LibC.EINVAL) {
                return 0;
            }
            throw failure("ioctl NS_GET_NSTYPE fd " + fd, e);
        }
    }

    /** Opens (O_CLOEXEC) the network namespace the socket behind {@code socketFd} lives in. */
    public static int socketNamespace(int socketFd) {
        try {
            return LibC.ioctl(socketFd, LibC.SIOCGSKNS);
        } catch (LastErrorException e) {
            throw failure("ioctl SIOCGSKNS fd " + socketFd, e);
        }
    }

    /** Moves the calling OS thread into the network namespace behind {@code fd}. */
    public static void setNetNS(int fd) {
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw failure("setns fd " + fd, e);
        }
    }

    /** Moves the calling OS thread into a new, empty network namespace. */
    public static void unshareNetNS() {
        try {
            LibC.unshare(LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw failure("unshare CLONE_NEWNET", e);
        }
    }

    public static void bindMount(String source, String target) {
        mount(source, target, LibC.MS_BIND, "bind mount " + source + " on " + target);
    }

    /**
     * Makes {@code directory} a shared mount, bind-mounting it on itself first where it is not
     * a mount point yet, as {@code ip netns add} does, so that namespaces mounted there are seen
     * by every mount namespace that shares it.
     */
    public static void makeSharedMount(String directory) {
        String what = "make " + directory + " a shared mount";
        try {
            LibC.mount("", directory, "none", LibC.MS_SHARED | LibC.MS_REC, null);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.EINVAL) {
                throw failure(what, e);
            }
            mount(directory, directory, LibC.MS_BIND | LibC.MS_REC, "bind mount " + directory + " on itself");
            mount("", directory, LibC.MS_SHARED | LibC.MS_REC, what);
        }
    }

    private static void mount(String source, String target, long flags, String what) {
        try {
            LibC.mount(source, target, "none", flags, null);
        } catch (LastErrorException e) {
            throw failure(what, e);
        }
    }

    /** Lazily unmounts {@code target}; returns false where nothing was mounted there (EINVAL). */
    public static boolean detach(String target) {
        try {
            LibC.umount2(target, LibC.MNT_DETACH);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINVAL) {
                return false;
            }
            throw failure("unmount " + target, e);
        }
    }

    public static void unlink(String path) {
        try {
            LibC.unlink(path);
        } catch (LastErrorException e) {
            throw failure("unlink " + path, e);
        }
    }

    /** Creates {@code path} with mode 0755; an existing directory is fine. */
    public static void mkdirs(String path) {
        try {
            LibC.mkdir(path, 0755);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.EEXIST) {
                throw failure("mkdir " + path, e);
            }
        }
    }

    /** Takes an exclusive advisory lock on {@code fd}, waiting for it. */
    public static void lockExclusive(int fd, String what) {
        try {
            LibC.flock(fd, LibC.LOCK_EX);
        } catch (LastErrorException e) {
            throw failure("lock " + what, e);
        }
    }

    /** The calling OS thread's id (the kernel's tid, as in /proc/self/task). */
    public static int gettid() {
        return LibC.gettid();
    }

    public static SyscallException failure(String operation, LastErrorException e) {
        return new SyscallException(operation, e.getErrorCode());
    }
}
