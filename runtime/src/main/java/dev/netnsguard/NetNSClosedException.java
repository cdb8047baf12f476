package dev.netnsguard;

/** An operation was attempted on a {@link NetNS} handle after {@link NetNS#close()}. */
public class NetNSClosedException extends NetNSException {
    private static final long serialVersionUID = 1L;

    /** An error naming the closed handle. */
    public NetNSClosedException(String message) {
        super(message);
    }
}
