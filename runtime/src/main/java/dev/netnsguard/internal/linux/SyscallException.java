package dev.netnsguard.internal.linux;

/**
 * A failed system call, with its errno and a description of what was being done
 * ({@code "open /run/netns/blue"}). The public API turns it into a typed
 * {@code NetNSException}; it never escapes netns-guard as itself.
 */
public final class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;

    public SyscallException(String operation, int errno) {
        super(operation + ": " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String operation() {
        return operation;
    }
}
