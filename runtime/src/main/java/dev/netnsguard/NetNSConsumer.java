package dev.netnsguard;

/**
 * A body run inside a network namespace by {@link NetNS#run(NetNSConsumer)}; like
 * {@link NetNSFunction} without a result.
 *
 * @param <X> the checked exception the body may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface NetNSConsumer<X extends Throwable> {
    /**
     * Runs inside the target namespace.
     *
     * @param host the namespace of the thread that called {@code run}; a shared handle owned by
     *             netns-guard (closing it has no effect)
     */
    void accept(NetNS host) throws X;
}
