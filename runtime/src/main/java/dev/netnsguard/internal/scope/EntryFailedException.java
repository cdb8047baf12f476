package dev.netnsguard.internal.scope;

/**
 * A namespace thread could not enter its namespace, so the body handed to it never ran.
 * The cause is the failed system call or verification.
 */
public final class EntryFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EntryFailedException(Throwable cause) {
        super(cause.getMessage(), cause);
    }
}
