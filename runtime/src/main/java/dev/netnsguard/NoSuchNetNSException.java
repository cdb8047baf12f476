package dev.netnsguard;

import dev.netnsguard.internal.linux.SyscallException;

/**
 * A path, name, process or thread that should refer to a network namespace does not exist (ENOENT, ESRCH).
 */
public class NoSuchNetNSException extends NetNSException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}, not caused by a failed system call. */
    public NoSuchNetNSException(String message) {
        super(message);
    }

    /** A failed system call: the message is {@code context} followed by the call and its errno. */
    public NoSuchNetNSException(String context, SyscallException cause) {
        super(context, cause);
    }
}
