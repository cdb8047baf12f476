package dev.netnsguard.agent.bootstrap;

/**
 * Where the bridge hands what it found, and everything that takes judgement: implemented by the agent,
 * in the agent's class loader, so that it can change with the agent while this interface, defined once
 * per JVM in the boot loader, stays. JDK types only.
 *
 * <p>Every method runs on the thread that made the call the bridge checked, inside the bridge's
 * re-entrancy guard (network work the judge does itself is not checked). A {@link Throwable} escaping a
 * method is given to {@link #hookFailed} and never reaches the application.
 */
public interface Judge {
    /**
     * The namespace a call happens in is not the one its code expects.
     *
     * @param kind     what the call does
     * @param expected inode of the namespace the code expects
     * @param actual   inode of the namespace the call happens in: the calling OS thread's (as cached per
     *                 thread: the judge re-reads it before it believes it) when {@code ofThread}, else the
     *                 socket's, from the socket table
     * @param scope    the runtime's scope object behind {@code expected} ({@code toString()} names it), or
     *                 null where the code expects the launch namespace for want of a scope
     * @param detail   what was operated on (host name, command array, address), or null
     * @param ofThread whether {@code actual} is the thread's namespace rather than a socket's
     * @return the error strict mode throws from the call, or null to let the call go on
     */
    Error mismatch(ViolationKind kind, long expected, long actual, Object scope, Object detail, boolean ofThread);

    /** {@code host} was resolved (not answered from the JVM-wide cache) on a thread in namespace {@code inode}. */
    void resolved(String host, long inode);

    /**
     * A lookup of {@code host} inside a scope expecting {@code expected} was answered from the JVM-wide
     * {@code InetAddress} cache (positive or negative) without resolving.
     *
     * @return the error strict mode throws from the lookup, or null
     */
    Error cacheAnswered(String host, long expected, Object scope);

    /**
     * A name lookup ({@code InetAddress.getAllByName0}) on a thread in namespace {@code inode}, which is not
     * the launch namespace: the answer to give instead of the JVM-wide cache's, or null to let the JDK
     * look it up as it always does. Asked only of the judge given to {@code GuardBridge.namespaceAnswers}.
     *
     * @param host      the host name as the lookup got it
     * @param requested the address to put first (JDK 17's {@code reqAddr}), or null
     * @param useCache  false where the JDK would resolve afresh whatever its cache holds
     * @return the addresses (an {@code InetAddress[]} the caller may keep), the {@code UnknownHostException}
     *         to throw, or null
     */
    default Object namespaceAnswer(String host, Object requested, boolean useCache, long inode) {
        return null;
    }

    /**
     * A hook failed inside the guard; the call it watched went on as if the guard were absent.
     *
     * @param hook which hook, such as {@code "ThreadPoolExecutor.execute"}
     */
    void hookFailed(String hook, Throwable failure);
}
