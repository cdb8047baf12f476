package dev.netnsguard.agent;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.bootstrap.Births;
import dev.netnsguard.agent.bootstrap.GuardBridge;
import dev.netnsguard.agent.bootstrap.Judge;
import dev.netnsguard.agent.bootstrap.Propagation;
import dev.netnsguard.agent.bootstrap.RuntimeLink;
import dev.netnsguard.agent.bootstrap.ViolationKind;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's side of every mismatch the bridge finds: whether it is real (the thread's namespace is
 * re-read before a thread-based violation is believed), what it is (a stray pool thread, a cache answer
 * from another namespace), whether it is allowed, and what strict mode throws. Reporting is the
 * {@link Reporter}'s.
 */
final class GuardJudge implements Judge {
    private static final int RESOLVED_MAX = 4096;

    private final Reporter reporter;
    private final long launch;
    private final PrintStream stderr = System.err;
    /** Host name (lower case) -> namespace it was last resolved in (positive or negative answer). */
    private final Map<String, Long> resolvedIn = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> hookFailures = new ConcurrentHashMap<>();
    private volatile Mode mode;
    /** The per-namespace answers of {@code dns-cache=per-namespace}; null for {@code jvm}. */
    private volatile NamespaceNameCache names;

    GuardJudge(Reporter reporter, long launch, Mode mode) {
        this.reporter = reporter;
        this.launch = launch;
        this.mode = mode;
    }

    void mode(Mode newMode) {
        mode = newMode;
    }

    Mode mode() {
        return mode;
    }

    /**
     * Applies the {@code dns-cache} option. Where the JDK's resolution or TTL policy cannot be reached, the
     * failure is counted as a hook failure and lookups keep the JVM-wide cache.
     */
    void nameCache(NameCache policy, Instrumentation inst) {
        if (policy == NameCache.JVM) {
            names = null;
        } else if (names == null) {
            try {
                names = NamespaceNameCache.open(inst);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                hookFailed("dns-cache=per-namespace", e);
            }
        }
        GuardBridge.namespaceAnswers(names == null ? null : this);
    }

    @Override
    public Object namespaceAnswer(String host, Object requested, boolean useCache, long inode) {
        NamespaceNameCache cache = names;
        if (cache == null) {
            return null;
        }
        return cache.answer(host, (InetAddress) requested, useCache, inode);
    }

    @Override
    public Error mismatch(ViolationKind kind, long expected, long actual, Object scope, Object detail, boolean ofThread) {
        if (ofThread) {
            long fresh = GuardBridge.readThreadInode();
            if (fresh == 0) {
                return null;
            }
            GuardBridge.threadSwitched(fresh);
            if (fresh == expected) {
                return null; // the cache was stale
            }
            actual = fresh;
            if (actual != launch) {
                String stray = strayThread(kind, detail);
                if (stray != null) {
                    kind = ViolationKind.STRAY_THREAD;
                    detail = stray;
                }
            }
        }
        return verdict(kind, expected, actual, scope, detail);
    }

    @Override
    public void resolved(String host, long inode) {
        if (resolvedIn.size() >= RESOLVED_MAX) {
            resolvedIn.clear();
        }
        resolvedIn.put(host.toLowerCase(Locale.ROOT), inode);
    }

    @Override
    public Error cacheAnswered(String host, long expected, Object scope) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return null; // the loopback in every namespace
        }
        Long resolvedInode = resolvedIn.get(name);
        if (resolvedInode == null || resolvedInode == 0 || resolvedInode == expected) {
            return null;
        }
        if (GuardBridge.actualOfThread() != expected) {
            return null; // the thread itself is in the wrong place: reported when the lookup started
        }
        return verdict(ViolationKind.DNS_LOOKUP, expected, resolvedInode, scope,
                host + " (answered from the JVM-wide InetAddress cache, resolved in net:[" + resolvedInode + "])");
    }

    @Override
    public void hookFailed(String hook, Throwable failure) {
        AtomicLong count = hookFailures.computeIfAbsent(hook, h -> new AtomicLong());
        if (count.getAndIncrement() == 0) {
            stderr.println("netns-guard: the " + hook + " hook failed and the call went on unguarded: " + failure
                    + " (reported once; later failures of this hook are only counted)");
        }
        reporter.internalError(failure);
    }

    /** How often each hook failed, by hook name. */
    Map<String, Long> hookFailures() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        hookFailures.forEach((hook, n) -> counts.put(hook, n.get()));
        return counts;
    }

    private Error verdict(ViolationKind kind, long expected, long actual, Object scope, Object detail) {
        String message = reporter.report(kind, expected, actual, scope == null ? null : scope.toString(), detail);
        return message != null && mode == Mode.STRICT ? newError(kind, message, scope) : null;
    }

    /**
     * A thread-based violation on a thread outside the launch namespace that serves other code: a pool
     * worker (ThreadPoolExecutor, ForkJoinPool) or the carrier under a virtual thread. Returns the
     * detail to report (the operation, and where the thread came from), or null if it is no stray.
     */
    private static String strayThread(ViolationKind kind, Object detail) {
        Thread thread = Thread.currentThread();
        String what;
        if (thread.getClass().getName().equals("java.lang.VirtualThread")) {
            what = "the carrier thread of " + thread; // VirtualThread[#id,name]/runnable@carrier
        } else if (thread instanceof ForkJoinWorkerThread || Propagation.isPoolWorker()) {
            Births.Birth birth = Births.of(thread);
            what = "pool thread \"" + thread.getName() + "\", " + (birth != null ? birth.toString()
                    : "switched into it after its birth (enterCurrentThread or native setns)");
        } else {
            return null;
        }
        return kind.name() + (detail == null ? "" : " " + Reporter.describe(detail)) + " on " + what;
    }

    /**
     * The NetNSViolationError the application sees: the bootstrap copy, or the runtime's own where the
     * runtime's copy was loaded before the agent attached (then it is another class).
     */
    private static Error newError(ViolationKind kind, String message, Object scope) {
        for (RuntimeLink link : GuardBridge.links()) {
            if (scope == null || link.loader() == scope.getClass().getClassLoader()) {
                try {
                    Class<?> error = Class.forName(NetNSViolationError.class.getName(), false, link.loader());
                    if (error != NetNSViolationError.class && Error.class.isAssignableFrom(error)) {
                        MethodHandle constructor = MethodHandles.publicLookup().findConstructor(error,
                                MethodType.methodType(void.class, String.class, String.class));
                        return (Error) constructor.invoke(kind.name(), message);
                    }
                } catch (Throwable keepTheBootstrapCopy) {
                    // fall through
                }
                break;
            }
        }
        return new NetNSViolationError(kind.name(), message);
    }
}
