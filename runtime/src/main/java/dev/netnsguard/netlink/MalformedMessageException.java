package dev.netnsguard.netlink;

/**
 * A reply from the kernel does not parse: a length runs past the end of the data, a header or an
 * attribute is shorter than its type needs. The codec throws it; {@link RouteSocket} and
 * {@link Netlink} turn it into a {@link NetlinkProtocolException} naming the operation.
 */
final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message) {
        super(message);
    }
}
