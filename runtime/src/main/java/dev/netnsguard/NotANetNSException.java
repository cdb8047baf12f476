package dev.netnsguard;

import dev.netnsguard.internal.linux.SyscallException;

/**
 * A path exists but does not refer to a network namespace: a regular file, a directory, another kind of namespace such as {@code /proc/self/ns/mnt}, or an empty file left in the run directory.
 */
public class NotANetNSException extends NetNSException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}, not caused by a failed system call. */
    public NotANetNSException(String message) {
        super(message);
    }

    /** A failed system call: the message is {@code context} followed by the call and its errno. */
    public NotANetNSException(String context, SyscallException cause) {
        super(context, cause);
    }
}
