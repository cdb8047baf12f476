package dev.netnsguard.netlink;

/** What a request would create exists already (EEXIST): a link of that name, the same address or route. Nothing was changed. */
public class NetlinkExistsException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** An error of {@code operation} in {@code namespace}; see {@link NetlinkException}. */
    public NetlinkExistsException(String operation, String namespace, int errno, String kernelMessage) {
        super(operation, namespace, errno, kernelMessage);
    }
}
