package dev.netnsguard;

/**
 * Thrown by the netns-guard agent in strict mode from a network operation (socket, bind, connect,
 * send, name lookup, process start, netlink) that runs in a different network namespace from the
 * one its scope expects.
 *
 * <p>An {@link Error}, not an exception, so that ordinary {@code catch (Exception e)} blocks in the
 * code under test do not swallow it: in CI it should fail the test. It lives in the runtime's public
 * package so that code can name it without the agent on its compile path. The message says what
 * happened, the expected and the actual namespace, the thread, and how to fix it.
 */
public class NetNSViolationError extends Error {
    private static final long serialVersionUID = 1L;

    private final String kind;

    /**
     * @param kind    the violation kind, such as {@code SOCKET_OPEN} (see the agent reference)
     * @param message the report
     */
    public NetNSViolationError(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** The violation kind, such as {@code SOCKET_CONNECT} or {@code DNS_LOOKUP}. */
    public String kind() {
        return kind;
    }
}
