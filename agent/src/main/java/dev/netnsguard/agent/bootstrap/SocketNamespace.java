package dev.netnsguard.agent.bootstrap;

/**
 * The kernel's answer to "which network namespace does this socket live in", handed to the bridge by
 * the agent once its native part is loaded. Bootstrap side: JDK types only.
 */
public interface SocketNamespace {
    /** The inode of the network namespace socket {@code fd} lives in, or 0 if the kernel cannot tell. */
    long inodeOf(int fd);

    /** Closes {@code fd}, a socket the JDK has not taken charge of yet (it is refused in strict mode). */
    void close(int fd);
}
