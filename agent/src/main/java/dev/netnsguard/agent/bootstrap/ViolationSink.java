package dev.netnsguard.agent.bootstrap;

/**
 * Where the bridge hands violations: implemented by the agent's reporter, in the agent's loader.
 * Bootstrap side: JDK types only.
 */
public interface ViolationSink {
    /**
     * Reports one violation on the calling thread.
     *
     * @param expected      inode of the namespace the code expects
     * @param actual        inode of the namespace the operation really happens in
     * @param expectedLabel the runtime scope's label for {@code expected}, or null outside scopes
     * @param detail        what was operated on (host name, command), or null
     * @return the message to throw in strict mode, or null if the call is allowed (allow list)
     */
    String report(ViolationKind kind, long expected, long actual, String expectedLabel, Object detail);

    /** Tells the agent that the guard itself failed; it must not disturb the application. */
    void internalError(Throwable failure);
}
