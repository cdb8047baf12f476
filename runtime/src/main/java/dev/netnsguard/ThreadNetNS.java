package dev.netnsguard;

import java.util.Optional;

/**
 * One OS thread of this JVM and the network namespace it is in, as listed by
 * {@link NetNS#auditThreads()}.
 */
public final class ThreadNetNS {
    private final long tid;
    private final String osName;
    private final Thread thread;
    private final long inode;
    private final String namespaceName;
    private final boolean managed;
    private final boolean inLaunchNamespace;

    ThreadNetNS(long tid, String osName, Thread thread, long inode, String namespaceName, boolean managed,
                boolean inLaunchNamespace) {
        this.tid = tid;
        this.osName = osName;
        this.thread = thread;
        this.inode = inode;
        this.namespaceName = namespaceName;
        this.managed = managed;
        this.inLaunchNamespace = inLaunchNamespace;
    }

    /** The kernel's thread id, as in {@code /proc/<pid>/task/<tid>}. */
    public long tid() {
        return tid;
    }

    /** The kernel's name of the thread (the first 15 bytes of the Java name). */
    public String osName() {
        return osName;
    }

    /** The Java thread, where it could be matched to the OS thread. */
    public Optional<Thread> thread() {
        return Optional.ofNullable(thread);
    }

    /** The inode of the thread's network namespace. */
    public long inode() {
        return inode;
    }

    /** The name of the thread's namespace, where it is a named one ({@link NetNS#listNamed()}). */
    public Optional<String> namespaceName() {
        return Optional.ofNullable(namespaceName);
    }

    /** True if netns-guard moved this thread into its namespace (a namespace thread, or {@code enterCurrentThread}). */
    public boolean managed() {
        return managed;
    }

    /** True if the thread is in the namespace the JVM was launched in. */
    public boolean inLaunchNamespace() {
        return inLaunchNamespace;
    }

    /** {@code tid 1234 "worker-1" net:[4026532481] (blue), managed}. */
    @Override
    public String toString() {
        return "tid " + tid + " \"" + (thread != null ? thread.getName() : osName) + "\" net:[" + inode + "]"
                + (namespaceName != null ? " (" + namespaceName + ")" : "")
                + (inLaunchNamespace ? "" : ", not in the launch namespace")
                + (managed ? ", managed" : "");
    }
}
