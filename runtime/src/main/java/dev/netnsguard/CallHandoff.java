package dev.netnsguard;

import dev.netnsguard.internal.scope.Handoff;

/** A {@link NetNSFunction} on its way to a namespace thread, with the caller's namespace and the result. */
final class CallHandoff<T, X extends Throwable> extends Handoff {
    private final NetNSFunction<T, X> body;
    private final NetNS host;
    private T result;

    CallHandoff(NetNSFunction<T, X> body, NetNS host) {
        this.body = body;
        this.host = host;
    }

    @Override
    protected void body() throws Throwable {
        result = body.apply(host);
    }

    /** Valid once the handoff is done; the happens-before edge is the volatile completion state. */
    T result() {
        return result;
    }

    /**
     * Rethrows {@code failure} as itself. The body can only throw {@code X} or unchecked throwables,
     * so the generic signature of {@code call} stays truthful.
     */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> E rethrow(Throwable failure) throws E {
        throw (E) failure;
    }
}
