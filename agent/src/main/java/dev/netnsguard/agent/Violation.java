package dev.netnsguard.agent;

import dev.netnsguard.agent.bootstrap.ViolationKind;

import java.time.Instant;
import java.util.List;

/**
 * One violation as reported (the fields of a JSON report line).
 *
 * @param kind         what happened: the name of a {@code ViolationKind} (SOCKET_OPEN, ...), the stable name
 *                     JSON lines, JFR events and {@code NetNSViolationError.kind()} carry too
 * @param expected     inode of the namespace the code expected
 * @param actual       inode of the namespace the operation happened in
 * @param expectedName name of the expected namespace where known, else null
 * @param actualName   name of the actual namespace where known, else null
 * @param thread       name of the thread
 * @param virtual      whether the thread is virtual
 * @param detail       what was operated on (host name, command, address), or null
 * @param stack        frames, innermost first
 * @param time         when
 * @param submittedFrom where the task that did it was submitted from inside a scope (frames, innermost
 *                     first), or null when the thread was not running work carried from a scope
 */
public record Violation(String kind, long expected, long actual, String expectedName, String actualName,
        String thread, boolean virtual, String detail, List<String> stack, Instant time, List<String> submittedFrom) {

    /** A violation that did not happen in work carried from a scope. */
    public Violation(String kind, long expected, long actual, String expectedName, String actualName,
            String thread, boolean virtual, String detail, List<String> stack, Instant time) {
        this(kind, expected, actual, expectedName, actualName, thread, virtual, detail, stack, time, null);
    }

    /** What happened, in the agent's words for the kind: {@code "socket created"}. */
    public String what() {
        ViolationKind known = knownKind();
        return known != null ? known.what() : kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** How to fix it, in the agent's words for the kind; null for a kind this agent does not know (a newer agent's). */
    public String fix() {
        ViolationKind known = knownKind();
        return known != null ? known.fix() : null;
    }

    private ViolationKind knownKind() {
        try {
            return ViolationKind.valueOf(kind);
        } catch (IllegalArgumentException newerAgent) {
            return null;
        }
    }

    /**
     * True if a frame of {@link #stack()} matches one of {@code patterns}, in the syntax of the
     * agent's {@code allow} option ({@link ClassPattern}): {@code com.acme.Pool} (the class and its nested
     * classes), {@code com.acme.Pool#open} (a method), {@code com.acme.*} (a prefix).
     *
     * @throws IllegalArgumentException if a pattern is malformed
     */
    public boolean allowedBy(List<String> patterns) {
        return Reporter.allowed(stack, patterns.stream().map(ClassPattern::parse).toList());
    }

    /** The report as one line of JSON. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256 + stack.size() * 64);
        json.append("{\"kind\":").append(quote(kind))
                .append(",\"expected\":").append(expected)
                .append(",\"actual\":").append(actual);
        if (expectedName != null) {
            json.append(",\"expectedName\":").append(quote(expectedName));
        }
        if (actualName != null) {
            json.append(",\"actualName\":").append(quote(actualName));
        }
        json.append(",\"thread\":").append(quote(thread))
                .append(",\"virtual\":").append(virtual);
        if (detail != null) {
            json.append(",\"detail\":").append(quote(detail));
        }
        json.append(",\"stack\":[");
        for (int i = 0; i < stack.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(quote(stack.get(i)));
        }
        json.append(']');
        if (submittedFrom != null) {
            json.append(",\"submittedFrom\":[");
            for (int i = 0; i < submittedFrom.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(quote(submittedFrom.get(i)));
            }
            json.append(']');
        }
        json.append(",\"time\":").append(quote(time.toString())).append('}');
        return json.toString();
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': q.append("\\\""); break;
                case '\\': q.append("\\\\"); break;
                case '\n': q.append("\\n"); break;
                case '\r': q.append("\\r"); break;
                case '\t': q.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
            }
        }
        return q.append('"').toString();
    }
}
