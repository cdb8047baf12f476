package dev.netnsguard.agent.bootstrap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Where platform threads were born: recorded at {@code Thread.start} from the creating OS thread's
 * namespace, for threads born outside the JVM's launch namespace only (the others are unremarkable).
 * Weakly keyed by the thread. Bootstrap side: JDK types only.
 */
public final class Births {
    private static final Map<Thread, Birth> BIRTHS = Collections.synchronizedMap(new WeakHashMap<>());

    private Births() {}

    /** A thread's birth: the namespace, whether its creator was inside a scope, and who the creator was. */
    public static final class Birth {
        final long inode;
        final boolean inScope;
        final String creator;

        Birth(long inode, boolean inScope, String creator) {
            this.inode = inode;
            this.inScope = inScope;
            this.creator = creator;
        }

        @Override
        public String toString() {
            return "born in net:[" + inode + "]" + (inScope ? " inside a scope" : "") + ", started by \"" + creator + "\"";
        }
    }

    /**
     * The system property through which the {@code threads} command (another process, through
     * {@code jcmd <pid> VM.system_properties}) learns where the live threads were born: entries
     * {@code name,inode,inScope,creator} (fields URL-encoded) separated by {@code /}.
     */
    public static final String PROPERTY = "dev.netnsguard.agent.births";

    /** {@code Thread.start}: {@code thread} is about to start, created by the calling thread. */
    static void record(Thread thread, long inode, boolean inScope) {
        BIRTHS.put(thread, new Birth(inode, inScope, Thread.currentThread().getName()));
        publish();
    }

    /** Rewrites {@link #PROPERTY} from the live threads (only on a birth outside the launch namespace). */
    private static void publish() {
        StringBuilder value = new StringBuilder();
        synchronized (BIRTHS) {
            for (Map.Entry<Thread, Birth> e : BIRTHS.entrySet()) {
                Thread t = e.getKey();
                if (t == null || t.getState() == Thread.State.TERMINATED) {
                    continue;
                }
                Birth b = e.getValue();
                if (value.length() > 0) {
                    value.append('/');
                }
                value.append(encode(t.getName())).append(',').append(b.inode).append(',').append(b.inScope)
                        .append(',').append(encode(b.creator));
            }
        }
        try {
            System.setProperty(PROPERTY, value.toString());
        } catch (RuntimeException e) {
            // a security manager: the threads command then shows no births
        }
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Where {@code thread} was born, or null if it was born in the launch namespace (or before install). */
    public static Birth of(Thread thread) {
        return BIRTHS.get(thread);
    }

    /**
     * The live threads born outside the launch namespace, for the runtime's {@code NetNS.auditThreads()}
     * (JDK types only, call it reflectively on the bootstrap class): each thread mapped to
     * {@code {Long inode, Boolean bornInsideAScope, String creatorName}}.
     */
    public static Map<Thread, Object[]> snapshot() {
        Map<Thread, Object[]> live = new java.util.HashMap<>();
        synchronized (BIRTHS) {
            for (Map.Entry<Thread, Birth> e : BIRTHS.entrySet()) {
                Thread t = e.getKey();
                if (t != null && t.isAlive()) {
                    Birth b = e.getValue();
                    live.put(t, new Object[] {b.inode, b.inScope, b.creator});
                }
            }
        }
        return live;
    }
}
