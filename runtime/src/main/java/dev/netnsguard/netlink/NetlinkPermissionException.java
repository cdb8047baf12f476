package dev.netnsguard.netlink;

/** The kernel refused a request for lack of privilege (EPERM, EACCES): configuring links, addresses and routes needs {@code CAP_NET_ADMIN} in the namespace's user namespace. */
public class NetlinkPermissionException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** An error of {@code operation} in {@code namespace}; see {@link NetlinkException}. */
    public NetlinkPermissionException(String operation, String namespace, int errno, String kernelMessage) {
        super(operation, namespace, errno, kernelMessage);
    }
}
