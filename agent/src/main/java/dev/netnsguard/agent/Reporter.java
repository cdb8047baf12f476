package dev.netnsguard.agent;

import dev.netnsguard.agent.bootstrap.ViolationKind;
import dev.netnsguard.internal.nsfs.NsLinks;

import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Receives violations from the bridge (on the offending thread) and reports them: counters, JSON
 * lines in the report file, a rate-limited line on stderr per distinct site, a JFR event, and the
 * message strict mode throws. Calls made from allowed classes or methods are not reported.
 */
final class Reporter {
    private static final int MAX_FRAMES = 64;
    private static final int LOG_LINES_PER_MINUTE = 20;
    private static final int RECENT = 200;
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final AtomicLongArray counts = new AtomicLongArray(ViolationKind.values().length);
    private final Set<String> loggedSites = ConcurrentHashMap.newKeySet();
    private final Deque<Violation> recent = new ArrayDeque<>();
    private final List<Consumer<Violation>> listeners = new CopyOnWriteArrayList<>();
    private final PrintStream stderr = System.err;
    private volatile Settings settings;
    private long logWindowStart;
    private int logLinesInWindow;
    private int suppressed;
    private volatile boolean jfrBroken;
    private volatile Throwable lastInternalError;

    /** What can change when the guard is reconfigured. */
    record Settings(Mode mode, boolean log, Path reportFile, List<ClassPattern> allow, long launch) { }

    Reporter(Settings settings) {
        this.settings = settings;
    }

    void reconfigure(Settings newSettings) {
        settings = newSettings;
    }

    Settings settings() {
        return settings;
    }

    /**
     * Reports one violation on the calling thread.
     *
     * @param expectedLabel the runtime scope's label for {@code expected}, or null outside scopes
     * @param detail        what was operated on (host name, command), or null
     * @return the message strict mode throws, or null if the call is allowed (allow list)
     */
    String report(ViolationKind kind, long expected, long actual, String expectedLabel, Object detail) {
        Settings s = settings;
        List<String> stack = stack();
        if (allowed(stack, s.allow())) {
            return null;
        }
        Map<Long, String> names = namespaceNames(expected, actual);
        String expectedName = names.get(expected);
        if (expectedName == null && expectedLabel != null && !expectedLabel.equals(NsLinks.format(expected))) {
            expectedName = expectedLabel;
        }
        Thread thread = Thread.currentThread();
        Violation v = new Violation(kind.name(), expected, actual, expectedName, names.get(actual),
                thread.getName(), isVirtual(thread), detail == null ? null : describe(detail), stack, Instant.now(),
                submittedFrom());
        counts.incrementAndGet(kind.ordinal());
        synchronized (recent) {
            if (recent.size() == RECENT) {
                recent.removeFirst();
            }
            recent.addLast(v);
        }
        String message = message(kind, v, s);
        if (s.reportFile() != null) {
            append(s.reportFile(), v.toJson());
        }
        if (s.log()) {
            log(kind.name() + " " + site(stack), message);
        }
        emitJfr(v);
        for (Consumer<Violation> listener : listeners) {
            try {
                listener.accept(v);
            } catch (RuntimeException e) {
                internalError(e);
            }
        }
        return message;
    }

    /** The guard itself failed: remembered, and logged once per failure class where logging is on. */
    void internalError(Throwable failure) {
        lastInternalError = failure;
        if (settings.log()) {
            log("internal " + failure.getClass().getName(), "netns-guard: internal error, check skipped: " + failure);
        }
    }

    Throwable lastInternalError() {
        return lastInternalError;
    }

    /** Where the task running on this thread was submitted from inside a scope, or null. */
    private static List<String> submittedFrom() {
        StackTraceElement[] frames = dev.netnsguard.agent.bootstrap.Propagation.submittedFrom();
        if (frames == null) {
            return null;
        }
        List<String> list = new ArrayList<>();
        for (StackTraceElement frame : frames) {
            if (list.isEmpty() && isGuardFrame(frame.getClassName())) {
                continue;
            }
            if (list.size() == MAX_FRAMES) {
                break;
            }
            list.add(frame.toString());
        }
        return List.copyOf(list);
    }

    static String describe(Object detail) {
        if (detail instanceof String[]) {
            String[] command = (String[]) detail;
            return String.join(" ", command);
        }
        return String.valueOf(detail);
    }

    private static String message(ViolationKind kind, Violation v, Settings s) {
        StringBuilder m = new StringBuilder(300);
        m.append("netns-guard: ").append(kind.name()).append(": ").append(kind.what());
        if (v.detail() != null) {
            m.append(" (").append(v.detail()).append(')');
        }
        m.append(" in network namespace ").append(label(v.actual(), v.actualName(), s.launch()))
                .append(", but the code expects ").append(label(v.expected(), v.expectedName(), s.launch()))
                .append("; thread \"").append(v.thread()).append('"');
        if (v.virtual()) {
            m.append(" (virtual)");
        }
        String site = site(v.stack());
        if (site != null) {
            m.append(", at ").append(site);
        }
        if (v.submittedFrom() != null) {
            String submitted = site(v.submittedFrom());
            m.append("; in a task submitted from inside the scope").append(submitted == null ? "" : " at " + submitted);
        }
        m.append(". Fix: ").append(kind.fix())
                .append(", or allow the caller with allow=<class>[#method].");
        return m.toString();
    }

    private static String label(long inode, String name, long launch) {
        String id = NsLinks.format(inode);
        String s = name != null ? name + " " + id : id;
        return inode == launch ? s + " (the JVM's launch namespace)" : s;
    }

    /** The first frame outside the JDK and the guard: where the application did it. */
    static String site(List<String> stack) {
        for (String frame : stack) {
            if (!isJdkFrame(frame)) {
                return frame;
            }
        }
        return stack.isEmpty() ? null : stack.get(0);
    }

    private static boolean isJdkFrame(String frame) {
        return frame.startsWith("java.") || frame.startsWith("javax.") || frame.startsWith("sun.")
                || frame.startsWith("jdk.") || frame.startsWith("com.sun.");
    }

    /**
     * The guard's own frames on top of the stack (the bridge, the judge, the self-test's judge while it
     * stands in, this reporter); the advice is inlined.
     */
    private static boolean isGuardFrame(String className) {
        return className.startsWith("dev.netnsguard.agent.bootstrap.") || className.startsWith(Reporter.class.getName())
                || className.startsWith(GuardJudge.class.getName()) || className.startsWith(SelfTest.class.getName());
    }

    private static List<String> stack() {
        return WALKER.walk(frames -> frames
                .dropWhile(f -> isGuardFrame(f.getClassName()))
                .limit(MAX_FRAMES)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .map(StackTraceElement::toString)
                .collect(Collectors.toList()));
    }

    /** True if a frame matches one of the allow patterns ({@link ClassPattern}, class and method). */
    static boolean allowed(List<String> stack, List<ClassPattern> patterns) {
        if (patterns.isEmpty()) {
            return false;
        }
        for (String frame : stack) {
            int paren = frame.indexOf('(');
            String qualified = paren < 0 ? frame : frame.substring(0, paren);
            int slash = qualified.lastIndexOf('/');
            if (slash >= 0) {
                qualified = qualified.substring(slash + 1); // module/class.method
            }
            int dot = qualified.lastIndexOf('.');
            String cls = dot < 0 ? qualified : qualified.substring(0, dot);
            String method = dot < 0 ? "" : qualified.substring(dot + 1);
            for (ClassPattern pattern : patterns) {
                if (pattern.matches(cls, method)) {
                    return true;
                }
            }
        }
        return false;
    }

    private synchronized void log(String siteKey, String line) {
        if (!loggedSites.add(siteKey)) {
            return;
        }
        long now = System.nanoTime();
        if (now - logWindowStart > 60_000_000_000L) {
            logWindowStart = now;
            logLinesInWindow = 0;
        }
        if (logLinesInWindow >= LOG_LINES_PER_MINUTE) {
            suppressed++;
            return;
        }
        logLinesInWindow++;
        if (suppressed > 0) {
            stderr.println("netns-guard: " + suppressed + " more violation sites were not logged (rate limit)");
            suppressed = 0;
        }
        stderr.println(line);
    }

    private ReportFile reportFile;

    /** Appends one line to the configured file, kept open (reopened if the configured path changes). */
    private void append(Path file, String json) {
        ReportFile target;
        synchronized (this) {
            if (reportFile == null || !reportFile.path().equals(file)) {
                if (reportFile != null) {
                    reportFile.close();
                }
                reportFile = new ReportFile(file, stderr);
            }
            target = reportFile;
        }
        target.append(json);
    }

    private volatile Map<Long, String> names = Map.of();
    private volatile long namesReadAt;

    /**
     * The names of /run/netns, re-read at most once a second, and at once when {@code expected} or
     * {@code actual} is a namespace not seen unnamed at the last read (a namespace created since).
     */
    private synchronized Map<Long, String> namespaceNames(long expected, long actual) {
        long now = System.nanoTime();
        boolean unseen = unseen(expected) || unseen(actual);
        if (namesReadAt == 0 || now - namesReadAt > 1_000_000_000L || unseen) {
            names = NsLinks.namedInodes();
            namesReadAt = now;
            seenUnnamed.clear();
        }
        if (!names.containsKey(expected)) {
            seenUnnamed.add(expected);
        }
        if (!names.containsKey(actual)) {
            seenUnnamed.add(actual);
        }
        return names;
    }

    private final Set<Long> seenUnnamed = new java.util.HashSet<>();

    private boolean unseen(long inode) {
        return inode != settings.launch() && !names.containsKey(inode) && !seenUnnamed.contains(inode);
    }

    private void emitJfr(Violation v) {
        if (jfrBroken) {
            return;
        }
        try {
            ViolationEvent.emit(v);
        } catch (LinkageError | RuntimeException noJfr) {
            jfrBroken = true; // a runtime image without jdk.jfr
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException beforeJava21) {
            return null;
        }
    }

    static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ counters and listeners

    long count(ViolationKind kind) {
        return counts.get(kind.ordinal());
    }

    long total() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
        synchronized (recent) {
            recent.clear();
        }
        synchronized (this) {
            loggedSites.clear();
        }
    }

    List<Violation> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    Runnable addListener(Consumer<Violation> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
