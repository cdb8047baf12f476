package dev.netnsguard.agent.sockets;

/**
 * Where a socket lives, asked of the kernel about the socket itself (the agent's JNI library). This
 * class is not loaded from the agent jar's top level: the agent defines it in a module of its own,
 * {@value #MODULE}, whose native access it enables (JDK 22+), so loading the library warns about nothing
 * and enables nothing for the application's modules.
 */
public final class SocketNamespaces {
    /** The module the agent defines this class in. */
    public static final String MODULE = "dev.netnsguard.agent.sockets";

    private SocketNamespaces() {}

    /** Loads the library at {@code path} for this class. */
    public static void load(String path) {
        System.load(path);
    }

    /** The cookie of the network namespace of socket {@code fd} ({@code SO_NETNS_COOKIE}), or -errno. */
    public static native long cookie(int fd);

    /** The inode of the network namespace of socket {@code fd} ({@code SIOCGSKNS}, then {@code fstat}), or -errno. */
    public static native long inode(int fd);

    /** Closes {@code fd}; 0 or -errno. */
    public static native int close(int fd);
}
