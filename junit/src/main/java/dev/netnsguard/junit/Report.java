package dev.netnsguard.junit;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The failure message for the violations of one window that no allow pattern matches. */
final class Report {
    /** Violations shown in full; the others are summed up by kind and site. */
    static final int SHOWN = 10;
    private static final String KIND = "dev.netnsguard.agent.bootstrap.ViolationKind";

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
            if (!v.allowedBy(allow)) {
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
        m.append(v.kind()).append(" on thread \"").append(v.thread()).append('"');
        if (v.virtual()) {
            m.append(" (virtual)");
        }
        m.append(": ").append(v.what());
        if (v.detail() != null) {
            m.append(" (").append(v.detail()).append(')');
        }
        m.append(" in network namespace ").append(label(v.actual(), v.actualName()))
                .append(", but the code expects ").append(label(v.expected(), v.expectedName()));
        String site = site(v.stack());
        if (site != null) {
            m.append("\n   at ").append(site);
        }
        if (v.fix() != null) {
            m.append("\n   Fix: ").append(v.fix()).append('.');
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
        return inode == NetnsGuard.launchInode() ? s + " (the JVM's launch namespace)" : s;
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
}
