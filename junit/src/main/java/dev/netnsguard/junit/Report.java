package dev.netnsguard.junit;

import dev.netnsguard.agent.Violation;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The failure message for the violations of one window that no allow pattern matches. */
final class Report {
    /** Violations shown in full; the others are summed up by kind and site. */
    static final int SHOWN = 10;
    private static final String KIND = "dev.netnsguard.agent.bootstrap.ViolationKind";
    private static final long LAUNCH = launchInode();

    private final List<Violation> violations;
    private final int total;

    private Report(List<Violation> violations, int total) {
        this.violations = violations;
        this.total = total;
    }

    /** The report of {@code window} without allowed violations, or null if nothing is left. */
    static Report of(Recorder.Window window, List<String> allow) {
        List<Violation> kept = window.kept();
        List<Violation> reported = new ArrayList<>();
        for (Violation v : kept) {
            if (!allowed(v.stack(), allow)) {
                reported.add(v);
            }
        }
        int beyond = window.total() - kept.size(); // not kept, so not filtered: counted as they are
        int total = reported.size() + beyond;
        return total == 0 ? null : new Report(reported, total);
    }

    String message(String when) {
        StringBuilder m = new StringBuilder(2048);
        m.append("netns-guard: ").append(total).append(total == 1 ? " network namespace violation " : " network namespace violations ")
                .append(when).append(", on any thread");
        if (violations.size() > SHOWN) {
            m.append(" (the first ").append(SHOWN).append(" in full)");
        }
        m.append(':');
        for (int i = 0; i < Math.min(SHOWN, violations.size()); i++) {
            m.append("\n\n").append(i + 1).append(") ");
            describe(m, violations.get(i));
        }
        if (violations.size() > SHOWN || total > violations.size()) {
            Map<String, Integer> rest = new LinkedHashMap<>();
            for (Violation v : violations.subList(Math.min(SHOWN, violations.size()), violations.size())) {
                rest.merge(v.kind() + " at " + site(v.stack()), 1, Integer::sum);
            }
            m.append("\n\nand ").append(total - Math.min(SHOWN, violations.size())).append(" more:");
            rest.forEach((site, n) -> m.append("\n   ").append(n).append(" x ").append(site));
            if (total > violations.size()) {
                m.append("\n   ").append(total - violations.size()).append(" beyond the ").append(Recorder.KEPT)
                        .append(" kept per test");
            }
        }
        return m.toString();
    }

    private static void describe(StringBuilder m, Violation v) {
        String[] words = kindWords(v.kind());
        m.append(v.kind()).append(" on thread \"").append(v.thread()).append('"');
        if (v.virtual()) {
            m.append(" (virtual)");
        }
        m.append(": ").append(words[0]);
        if (v.detail() != null) {
            m.append(" (").append(v.detail()).append(')');
        }
        m.append(" in network namespace ").append(label(v.actual(), v.actualName()))
                .append(", but the code expects ").append(label(v.expected(), v.expectedName()));
        String site = site(v.stack());
        if (site != null) {
            m.append("\n   at ").append(site);
        }
        if (words[1] != null) {
            m.append("\n   Fix: ").append(words[1]).append('.');
        }
        m.append("\n   Stack:");
        List<String> stack = v.stack();
        int end = stack.size();
        for (int i = 0; i < stack.size(); i++) {
            if (className(stack.get(i)).startsWith("org.junit.")) {
                end = i;
                break;
            }
        }
        int shown = end;
        while (shown > 1 && isReflection(stack.get(shown - 1)) && end < stack.size()) {
            shown--;
        }
        for (int i = 0; i < shown; i++) {
            m.append("\n     ").append(stack.get(i));
        }
        if (shown < stack.size()) {
            m.append("\n     ... ").append(stack.size() - shown).append(" more (reflection and JUnit)");
        }
    }

    private static String label(long inode, String name) {
        String id = "net:[" + inode + "]";
        String s = name != null ? name + " " + id : id;
        return inode == LAUNCH ? s + " (the JVM's launch namespace)" : s;
    }

    /** The first frame outside the JDK: where the code under test did it. */
    static String site(List<String> stack) {
        for (String frame : stack) {
            String c = className(frame);
            if (!(c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("sun.") || c.startsWith("jdk.")
                    || c.startsWith("com.sun."))) {
                return frame;
            }
        }
        return stack.isEmpty() ? null : stack.get(0);
    }

    private static boolean isReflection(String frame) {
        String c = className(frame);
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.")
                || c.startsWith("java.lang.invoke.");
    }

    /** {@code java.base/sun.nio.ch.Net.socket(Net.java:1)} -> {@code sun.nio.ch.Net} */
    static String className(String frame) {
        String qualified = qualifiedMethod(frame);
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? qualified : qualified.substring(0, dot);
    }

    private static String qualifiedMethod(String frame) {
        int paren = frame.indexOf('(');
        String qualified = paren < 0 ? frame : frame.substring(0, paren);
        int slash = qualified.lastIndexOf('/');
        return slash < 0 ? qualified : qualified.substring(slash + 1);
    }

    /**
     * True if a frame matches a pattern: {@code com.acme.Pool} (the class and its nested classes),
     * {@code com.acme.Pool#open} (a method), {@code com.acme.*} (a prefix). The agent's syntax.
     */
    static boolean allowed(List<String> stack, List<String> patterns) {
        if (patterns.isEmpty()) {
            return false;
        }
        for (String frame : stack) {
            String qualified = qualifiedMethod(frame);
            int dot = qualified.lastIndexOf('.');
            String cls = dot < 0 ? qualified : qualified.substring(0, dot);
            String method = dot < 0 ? "" : qualified.substring(dot + 1);
            for (String pattern : patterns) {
                int hash = pattern.indexOf('#');
                String clsPattern = hash < 0 ? pattern : pattern.substring(0, hash);
                String methodPattern = hash < 0 ? null : pattern.substring(hash + 1);
                boolean clsOk = clsPattern.endsWith("*")
                        ? cls.startsWith(clsPattern.substring(0, clsPattern.length() - 1))
                        : cls.equals(clsPattern) || cls.startsWith(clsPattern + "$");
                if (clsOk && (methodPattern == null || methodPattern.equals(method))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The agent's words for a kind: what happened and the fix; the kind's name where unavailable. */
    private static String[] kindWords(String kind) {
        try {
            Class<?> type = Class.forName(KIND, false, null); // the guard's bootstrap part
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(kind)) {
                    Method what = type.getMethod("what");
                    Method fix = type.getMethod("fix");
                    return new String[] {(String) what.invoke(constant), (String) fix.invoke(constant)};
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // an agent without these words
        }
        return new String[] {kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' '), null};
    }

    /** The JVM's launch namespace: the thread-group leader's, as the agent takes it. */
    private static long launchInode() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }
}
