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
    private final Birth birth;

    ThreadNetNS(long tid, String osName, Thread thread, long inode, String namespaceName, boolean managed,
                boolean inLaunchNamespace, Birth birth) {
        this.tid = tid;
        this.osName = osName;
        this.thread = thread;
        this.inode = inode;
        this.namespaceName = namespaceName;
        this.managed = managed;
        this.inLaunchNamespace = inLaunchNamespace;
        this.birth = birth;
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

    /**
     * Where the thread was born, for a thread born outside the launch namespace while the
     * netns-guard agent was attached (it records births at {@code Thread.start}); empty otherwise.
     */
    public Optional<Birth> birth() {
        return Optional.ofNullable(birth);
    }

    /**
     * Where a thread was born: a thread starts in its creator's namespace. A pool worker born inside
     * a scope ({@link #insideScope()}) serves every later task from that namespace.
     */
    public static final class Birth {
        private final long inode;
        private final boolean insideScope;
        private final String creator;

        Birth(long inode, boolean insideScope, String creator) {
            this.inode = inode;
            this.insideScope = insideScope;
            this.creator = creator;
        }

        /** The inode of the namespace the thread was born in. */
        public long inode() {
            return inode;
        }

        /** True if its creator was running inside a netns-guard scope (a {@code call} body, a namespace thread). */
        public boolean insideScope() {
            return insideScope;
        }

        /** The name of the thread that started it. */
        public String creator() {
            return creator;
        }

        @Override
        public String toString() {
            return "born in net:[" + inode + "]" + (insideScope ? " inside a scope" : "") + ", started by \"" + creator + "\"";
        }
    }

    /** {@code tid 1234 "worker-1" net:[4026532481] (blue), managed}. */
    @Override
    public String toString() {
        return "tid " + tid + " \"" + (thread != null ? thread.getName() : osName) + "\" net:[" + inode + "]"
                + (namespaceName != null ? " (" + namespaceName + ")" : "")
                + (inLaunchNamespace ? "" : ", not in the launch namespace")
                + (managed ? ", managed" : "")
                + (birth != null ? ", " + birth : "");
    }
}
