package dev.netnsguard.netlink;

/** The link a request names does not exist in the socket's namespace (ENODEV). */
public class NoSuchLinkException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** An error of {@code operation} in {@code namespace}; see {@link NetlinkException}. */
    public NoSuchLinkException(String operation, String namespace, int errno, String kernelMessage) {
        super(operation, namespace, errno, kernelMessage);
    }
}
