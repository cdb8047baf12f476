package dev.netnsguard.agent;

import java.util.List;
import java.util.Locale;

/**
 * Every configuration key of the agent: the one place that defines them, their defaults and their
 * allowed values. A key {@code report-file} is read from the agent arguments, then the system
 * property {@code netnsguard.report-file}, then the environment variable {@code NETNSGUARD_REPORT_FILE}.
 */
public enum Option {
    MODE("mode", "report", List.of("strict", "report", "off"),
            "strict throws NetNSViolationError, report only reports, off installs nothing"),
    REPORT_FILE("report-file", "", List.of(),
            "file to append JSON lines to, one per violation (empty: no file)"),
    LOG("log", "stderr", List.of("stderr", "none"),
            "stderr logs each distinct violation site once (rate-limited)"),
    EXPECT_OUTSIDE_SCOPE("expect-outside-scope", "launch", List.of("launch", "any"),
            "what code outside NetNS scopes expects: the JVM's launch namespace, or any namespace"),
    ALLOW("allow", "", List.of(),
            "class or class#method patterns (a trailing * matches a prefix), separated by ; or , whose calls are not checked"),
    RECHECK_EVERY("recheck-every", "1000", List.of(),
            "re-read /proc/thread-self/ns/net every N checks per thread to catch native setns (0: never)"),
    SELF_TEST("self-test", "on", List.of("on", "off"),
            "prove at install that the hooks fire"),
    PROPAGATE("propagate", "all", List.of(),
            "which executors carry the submitter's scope to their tasks: all, none, or executor class patterns"
                    + " (a trailing * matches a prefix; a subclass matches its superclass's pattern) separated by ; or ,");

    private final String key;
    private final String defaultValue;
    private final List<String> allowed;
    private final String description;

    Option(String key, String defaultValue, List<String> allowed, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** The allowed values, or empty where any value of the right form is allowed. */
    public List<String> allowed() {
        return allowed;
    }

    public String description() {
        return description;
    }

    /** {@code netnsguard.report-file} */
    public String systemProperty() {
        return "netnsguard." + key;
    }

    /** {@code NETNSGUARD_REPORT_FILE} */
    public String environmentVariable() {
        return "NETNSGUARD_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The option named {@code key}, or null. */
    public static Option of(String key) {
        for (Option option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        return null;
    }

    /** Checks {@code value}; returns it normalised. */
    String validate(String value, String source) {
        String v = value.trim();
        if (!allowed.isEmpty()) {
            String lower = v.toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw new ConfigException("netns-guard: bad value '" + value + "' for " + key + " (from " + source
                        + "); allowed values: " + String.join(", ", allowed));
            }
            return lower;
        }
        if (this == PROPAGATE) {
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.equals("all") || lower.equals("none")) {
                return lower;
            }
            for (String p : v.split("[;,]")) {
                String name = p.trim();
                if (!name.isEmpty() && !name.matches("[\\p{javaJavaIdentifierPart}.$]+\\*?")) {
                    throw new ConfigException("netns-guard: bad value '" + value + "' for " + key + " (from " + source
                            + "); allowed values: all, none, or executor class names (a trailing * matches a prefix)");
                }
            }
            return v;
        }
        if (this == RECHECK_EVERY) {
            try {
                if (Integer.parseInt(v) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ConfigException("netns-guard: bad value '" + value + "' for " + key + " (from " + source
                        + "); allowed values: a whole number >= 0");
            }
        }
        return v;
    }
}
