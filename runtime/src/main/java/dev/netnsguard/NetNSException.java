package dev.netnsguard;

import dev.netnsguard.internal.linux.Errno;
import dev.netnsguard.internal.linux.SyscallException;

/**
 * The base of every error netns-guard reports. Unchecked: most namespace errors are environmental
 * (missing privileges, a namespace deleted under you) and a caller handles them at a high level.
 *
 * <p>Messages name what was being done, the path or namespace, and, where a system call failed,
 * the errno by name and text, for example:
 * <pre>{@code open /run/netns/blue: ENOENT (No such file or directory)}</pre>
 * {@link #errno()} and {@link #errnoName()} give the errno to code that needs to branch on it.
 */
public class NetNSException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    /** An error not caused by a system call. */
    public NetNSException(String message) {
        super(message);
        this.errno = 0;
    }

    /** An error caused by another exception. */
    public NetNSException(String message, Throwable cause) {
        super(message, cause);
        this.errno = cause instanceof NetNSException ? ((NetNSException) cause).errno
                : cause instanceof SyscallException ? ((SyscallException) cause).errno() : 0;
    }

    /** A failed system call: the message is {@code context} followed by the call and its errno. */
    public NetNSException(String context, SyscallException cause) {
        super(context + ": " + cause.getMessage(), cause);
        this.errno = cause.errno();
    }

    /** The errno of the failed system call, or 0 where none failed. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name ({@code "EPERM"}), or the empty string where no system call failed. */
    public String errnoName() {
        return errno == 0 ? "" : Errno.name(errno);
    }
}
