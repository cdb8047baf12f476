package dev.netnsguard.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key of the agent: the one place that defines them, their defaults, their
 * allowed values and how each is parsed into its typed value. A key {@code report-file} is read from
 * the agent arguments, then the system property {@code netnsguard.report-file}, then the environment
 * variable {@code NETNSGUARD_REPORT_FILE}, then the {@code config-file}, then its default.
 */
public enum Option {
    MODE("mode", "report", "strict, report, off",
            "strict throws NetNSViolationError, report only reports, off installs nothing") {
        @Override
        Object parse(String v) {
            return Mode.valueOf(oneOf(v, "strict", "report", "off").toUpperCase(Locale.ROOT));
        }
    },
    REPORT_FILE("report-file", "", "a path",
            "file to append JSON lines to, one per violation (empty: no file)") {
        @Override
        Object parse(String v) {
            return v.isEmpty() ? null : Path.of(v).toAbsolutePath().normalize();
        }
    },
    LOG("log", "stderr", "stderr, none",
            "stderr logs each distinct violation site once (rate-limited)") {
        @Override
        Object parse(String v) {
            return oneOf(v, "stderr", "none").equals("stderr");
        }
    },
    EXPECT_OUTSIDE_SCOPE("expect-outside-scope", "launch", "launch, any",
            "what code outside NetNS scopes expects: the JVM's launch namespace, or any namespace") {
        @Override
        Object parse(String v) {
            return oneOf(v, "launch", "any").equals("any");
        }
    },
    ALLOW("allow", "", "class patterns (a.b.C, a.b.*, a.b.C#method) separated by ; or ,",
            "calls from these classes or methods are not checked (a.b.C also matches its nested classes)") {
        @Override
        Object parse(String v) {
            return patterns(v, true);
        }
    },
    RECHECK_EVERY("recheck-every", "1000", "a whole number >= 0",
            "re-read /proc/thread-self/ns/net every N checks per thread to catch native setns (1: every check, 0: never)") {
        @Override
        Object parse(String v) {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException("negative");
            }
            return n;
        }
    },
    SELF_TEST("self-test", "on", "on, off", "prove at install that the hooks fire") {
        @Override
        Object parse(String v) {
            return oneOf(v, "on", "off").equals("on");
        }
    },
    PROPAGATE("propagate", "all", "all, none, or executor class patterns (a.b.C, a.b.*) separated by ; or ,",
            "which executors carry the submitter's scope to their tasks (an executor matches when its class or a"
                    + " superclass does)") {
        @Override
        Object parse(String v) {
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.equals("all")) {
                return PropagationPolicy.ALL;
            }
            if (lower.equals("none")) {
                return PropagationPolicy.NONE;
            }
            return new PropagationPolicy(false, patterns(v, false));
        }
    },
    SUBMISSION_STACKS("submission-stacks", "on", "on, off",
            "record where each task carried from a scope was submitted, for reports (off: one allocation less per task)") {
        @Override
        Object parse(String v) {
            return oneOf(v, "on", "off").equals("on");
        }
    },
    DNS_CACHE("dns-cache", "jvm", "jvm, per-namespace",
            "jvm: the JDK's one InetAddress cache for every namespace; per-namespace: lookups on threads outside the"
                    + " launch namespace resolve in their own namespace and are cached per namespace") {
        @Override
        Object parse(String v) {
            return NameCache.of(oneOf(v, "jvm", "per-namespace"));
        }
    },
    CONFIG_FILE("config-file", "", "a path to a properties file",
            "more options, key=value one per line; read after arguments, system properties and environment") {
        @Override
        Object parse(String v) {
            return v.isEmpty() ? null : Path.of(v);
        }
    };

    private final String key;
    private final String defaultValue;
    private final String allowed;
    private final String description;

    Option(String key, String defaultValue, String allowed, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
        this.description = description;
    }

    /** Parses a trimmed value; throws IllegalArgumentException if it is not one of {@link #allowed()}. */
    abstract Object parse(String value);

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** The allowed values, in words. */
    public String allowed() {
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

    /** Parses {@code value}, naming {@code source} in the error. */
    Object typed(String value, String source) {
        try {
            return parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("netns-guard: bad value '" + value + "' for " + key + " (from " + source
                    + "); allowed values: " + allowed);
        }
    }

    private static String oneOf(String v, String... values) {
        String lower = v.toLowerCase(Locale.ROOT);
        for (String value : values) {
            if (value.equals(lower)) {
                return value;
            }
        }
        throw new IllegalArgumentException(v);
    }

    private static List<ClassPattern> patterns(String v, boolean methods) {
        List<ClassPattern> patterns = new ArrayList<>();
        for (String p : v.split("[;,]")) {
            if (!p.isBlank()) {
                ClassPattern pattern = ClassPattern.parse(p);
                if (!methods && pattern.method() != null) {
                    throw new IllegalArgumentException(p);
                }
                patterns.add(pattern);
            }
        }
        return Collections.unmodifiableList(patterns);
    }
}
