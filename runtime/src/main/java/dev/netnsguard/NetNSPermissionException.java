package dev.netnsguard;

import dev.netnsguard.internal.linux.SyscallException;

/**
 * The kernel refused an operation for lack of privilege (EPERM, EACCES). Entering, creating and deleting network namespaces needs {@code CAP_SYS_ADMIN}; configuring them needs {@code CAP_NET_ADMIN}.
 */
public class NetNSPermissionException extends NetNSException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}, not caused by a failed system call. */
    public NetNSPermissionException(String message) {
        super(message);
    }

    /** A failed system call: the message is {@code context} followed by the call and its errno. */
    public NetNSPermissionException(String context, SyscallException cause) {
        super(context, cause);
    }
}
