package dev.netnsguard.netlink;

/**
 * The kernel's reply could not be understood (truncated, malformed, of an unexpected type) or
 * did not come within the socket's timeout. The request may or may not have taken effect.
 */
public class NetlinkProtocolException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** A failure of {@code operation} in {@code namespace}, described by {@code problem}. */
    public NetlinkProtocolException(String operation, String namespace, String problem) {
        super(operation, namespace, 0, null, problem);
    }
}
