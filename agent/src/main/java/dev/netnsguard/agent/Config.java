package dev.netnsguard.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The agent's configuration: agent arguments, then system properties {@code netnsguard.<key>}, then
 * environment variables {@code NETNSGUARD_<KEY>}, then the defaults of {@link Option}.
 *
 * <p>Agent arguments are {@code key=value} pairs separated by commas. Because {@code allow} itself
 * takes a list (and {@code propagate}), a comma-separated piece without {@code =} continues the previous
 * value ({@code allow=a.B,c.D} allows both). Unknown keys, in the arguments or as {@code netnsguard.*}
 * system properties or {@code NETNSGUARD_*} environment variables, are errors.
 */
public final class Config {
    private final Map<Option, String> values;
    private final Map<Option, String> sources;

    private Config(Map<Option, String> values, Map<Option, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** The configuration of this JVM with {@code agentArgs} (may be null). */
    public static Config load(String agentArgs) {
        return load(agentArgs, System::getProperty, System.getenv(), System.getProperties().stringPropertyNames());
    }

    static Config load(String agentArgs, Function<String, String> properties, Map<String, String> env,
            Iterable<String> propertyNames) {
        for (String name : propertyNames) {
            if (name.startsWith("netnsguard.") && Option.of(name.substring("netnsguard.".length())) == null) {
                throw unknown(name.substring("netnsguard.".length()), "system property " + name);
            }
        }
        for (String name : env.keySet()) {
            if (name.startsWith("NETNSGUARD_") && optionOfEnv(name) == null) {
                throw unknown(name, "environment variable " + name);
            }
        }
        Map<Option, String> args = parseArgs(agentArgs);
        Map<Option, String> values = new EnumMap<>(Option.class);
        Map<Option, String> sources = new EnumMap<>(Option.class);
        for (Option option : Option.values()) {
            String value;
            String source;
            if (args.containsKey(option)) {
                value = args.get(option);
                source = "agent argument " + option.key();
            } else if (properties.apply(option.systemProperty()) != null) {
                value = properties.apply(option.systemProperty());
                source = "system property " + option.systemProperty();
            } else if (env.get(option.environmentVariable()) != null) {
                value = env.get(option.environmentVariable());
                source = "environment variable " + option.environmentVariable();
            } else {
                value = option.defaultValue();
                source = "default";
            }
            values.put(option, option.validate(value, source));
            sources.put(option, source);
        }
        return new Config(values, sources);
    }

    private static Option optionOfEnv(String name) {
        for (Option option : Option.values()) {
            if (option.environmentVariable().equals(name)) {
                return option;
            }
        }
        return null;
    }

    static Map<Option, String> parseArgs(String agentArgs) {
        Map<Option, String> args = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.isBlank()) {
            return args;
        }
        Option last = null;
        for (String piece : agentArgs.split(",")) {
            if (piece.isBlank()) {
                continue;
            }
            int eq = piece.indexOf('=');
            if (eq < 0) {
                if (last == Option.ALLOW || last == Option.PROPAGATE) {
                    args.put(last, args.get(last) + ";" + piece.trim());
                    continue;
                }
                throw new ConfigException("netns-guard: agent argument '" + piece.trim()
                        + "' is not key=value; known keys: " + knownKeys());
            }
            String key = piece.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            Option option = Option.of(key);
            if (option == null) {
                throw unknown(key, "agent arguments");
            }
            args.put(option, piece.substring(eq + 1));
            last = option;
        }
        return args;
    }

    private static ConfigException unknown(String key, String where) {
        return new ConfigException("netns-guard: unknown configuration key '" + key + "' (in " + where
                + "); known keys: " + knownKeys());
    }

    static String knownKeys() {
        List<String> keys = new ArrayList<>();
        for (Option option : Option.values()) {
            keys.add(option.key());
        }
        return String.join(", ", keys);
    }

    public String get(Option option) {
        return values.get(option);
    }

    /** Where the value of {@code option} came from: "agent argument mode", "default", ... */
    public String sourceOf(Option option) {
        return sources.get(option);
    }

    public String mode() {
        return get(Option.MODE);
    }

    public boolean reportToStderr() {
        return "stderr".equals(get(Option.LOG));
    }

    public boolean expectAnyOutsideScope() {
        return "any".equals(get(Option.EXPECT_OUTSIDE_SCOPE));
    }

    public int recheckEvery() {
        return Integer.parseInt(get(Option.RECHECK_EVERY));
    }

    public boolean selfTest() {
        return "on".equals(get(Option.SELF_TEST));
    }

    /** {@code all}, {@code none}, or executor class patterns. */
    public int propagationPolicy() {
        String v = get(Option.PROPAGATE);
        return v.equals("all") ? dev.netnsguard.agent.bootstrap.Propagation.ALL
                : v.equals("none") ? dev.netnsguard.agent.bootstrap.Propagation.NONE
                : dev.netnsguard.agent.bootstrap.Propagation.SOME;
    }

    /** The executor class patterns of {@code propagate} (empty for all and none). */
    public List<String> propagationPatterns() {
        if (propagationPolicy() != dev.netnsguard.agent.bootstrap.Propagation.SOME) {
            return List.of();
        }
        List<String> patterns = new ArrayList<>();
        for (String p : get(Option.PROPAGATE).split("[;,]")) {
            if (!p.isBlank()) {
                patterns.add(p.trim());
            }
        }
        return Collections.unmodifiableList(patterns);
    }

    /** The allow patterns, split on commas and semicolons. */
    public List<String> allow() {
        List<String> patterns = new ArrayList<>();
        for (String p : get(Option.ALLOW).split("[;,]")) {
            if (!p.isBlank()) {
                patterns.add(p.trim());
            }
        }
        return Collections.unmodifiableList(patterns);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Option option : Option.values()) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(option.key()).append('=').append(values.get(option));
        }
        return s.toString();
    }
}
