package dev.netnsguard;

import dev.netnsguard.internal.linux.LibC;
import dev.netnsguard.internal.linux.SyscallException;

/** Turns a failed system call into the typed {@link NetNSException} its errno calls for. */
final class Failures {
    private Failures() {}

    static NetNSException of(String context, SyscallException e) {
        switch (e.errno()) {
            case LibC.ENOENT:
            case LibC.ESRCH:
                return new NoSuchNetNSException(context, e);
            case LibC.EPERM:
            case LibC.EACCES:
                return new NetNSPermissionException(context + " (needs CAP_SYS_ADMIN, usually root)", e);
            case LibC.EEXIST:
                return new NetNSExistsException(context, e);
            default:
                return new NetNSException(context, e);
        }
    }
}
