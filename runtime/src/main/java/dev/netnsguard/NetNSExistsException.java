package dev.netnsguard;

import dev.netnsguard.internal.linux.SyscallException;

/**
 * A named network namespace could not be created because the name is taken (EEXIST). Nothing was changed.
 */
public class NetNSExistsException extends NetNSException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}, not caused by a failed system call. */
    public NetNSExistsException(String message) {
        super(message);
    }

    /** A failed system call: the message is {@code context} followed by the call and its errno. */
    public NetNSExistsException(String context, SyscallException cause) {
        super(context, cause);
    }
}
