package dev.netnsguard.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The agent's configuration, parsed once into typed values: agent arguments, then system properties
 * {@code netnsguard.<key>}, then environment variables {@code NETNSGUARD_<KEY>}, then the properties file
 * named by {@code config-file} (from any of those three), then the defaults of {@link Option}.
 *
 * <p>Agent arguments are {@code key=value} pairs separated by commas. Because {@code allow} itself
 * takes a list (and {@code propagate}), a comma-separated piece without {@code =} continues the previous
 * value ({@code allow=a.B,c.D} allows both). Unknown keys, in the arguments, as {@code netnsguard.*}
 * system properties, {@code NETNSGUARD_*} environment variables or in the file, are errors naming where
 * they were (the file and its line); so are bad values. Immutable.
 */
public final class Config {
    private final Map<Option, String> values;
    private final Map<Option, String> sources;
    private final Map<Option, Object> typed;

    private Config(Map<Option, String> values, Map<Option, String> sources, Map<Option, Object> typed) {
        this.values = values;
        this.sources = sources;
        this.typed = typed;
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
        Map<Option, String[]> args = parseArgs(agentArgs);
        Map<Option, String[]> early = new EnumMap<>(Option.class);
        for (Option option : Option.values()) {
            String[] found = args.get(option);
            if (found == null && properties.apply(option.systemProperty()) != null) {
                found = new String[] {properties.apply(option.systemProperty()), "system property " + option.systemProperty()};
            }
            if (found == null && env.get(option.environmentVariable()) != null) {
                found = new String[] {env.get(option.environmentVariable()), "environment variable " + option.environmentVariable()};
            }
            if (found != null) {
                early.put(option, found);
            }
        }
        Map<Option, String[]> file = Map.of();
        String[] configFile = early.get(Option.CONFIG_FILE);
        if (configFile != null && !configFile[0].isBlank()) {
            file = readFile(Path.of(configFile[0].trim()));
        }
        Map<Option, String> values = new EnumMap<>(Option.class);
        Map<Option, String> sources = new EnumMap<>(Option.class);
        Map<Option, Object> typed = new EnumMap<>(Option.class);
        for (Option option : Option.values()) {
            String[] found = early.containsKey(option) ? early.get(option)
                    : file.containsKey(option) ? file.get(option)
                    : new String[] {option.defaultValue(), "default"};
            Object value = option.typed(found[0], found[1]);
            typed.put(option, value);
            values.put(option, canonical(value, found[0].trim()));
            sources.put(option, found[1]);
        }
        return new Config(values, sources, typed);
    }

    /** How {@link #toString()} shows a value: enumerated ones in lower case, lists as parsed. */
    private static String canonical(Object value, String given) {
        if (value instanceof Mode) {
            return ((Mode) value).key();
        }
        if (value instanceof NameCache) {
            return ((NameCache) value).key();
        }
        if (value instanceof Boolean) {
            return given.toLowerCase(Locale.ROOT);
        }
        return value instanceof PropagationPolicy ? value.toString() : given;
    }

    private static Option optionOfEnv(String name) {
        for (Option option : Option.values()) {
            if (option.environmentVariable().equals(name)) {
                return option;
            }
        }
        return null;
    }

    /** The pieces of the agent arguments: option to {value, source}. */
    static Map<Option, String[]> parseArgs(String agentArgs) {
        Map<Option, String[]> args = new LinkedHashMap<>();
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
                    String[] previous = args.get(last);
                    args.put(last, new String[] {previous[0] + ";" + piece.trim(), previous[1]});
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
            args.put(option, new String[] {piece.substring(eq + 1), "agent argument " + option.key()});
            last = option;
        }
        return args;
    }

    /**
     * Reads a config file: {@code key=value} (or {@code key: value}) one per line, {@code #} and {@code !}
     * start comments; the keys are the options' keys. The source of each value names the file and line.
     */
    private static Map<Option, String[]> readFile(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("netns-guard: cannot read config-file " + path + ": " + e);
        }
        Map<Option, String[]> values = new EnumMap<>(Option.class);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = "config file " + path + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = firstOf(line, '=', ':');
            if (eq < 0) {
                throw new ConfigException("netns-guard: line '" + line + "' is not key=value (in " + where
                        + "); known keys: " + knownKeys());
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            Option option = Option.of(key);
            if (option == null || option == Option.CONFIG_FILE) {
                throw unknown(key, where);
            }
            values.put(option, new String[] {line.substring(eq + 1).strip(), where});
        }
        return values;
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
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

    /** The value of {@code option} as given (trimmed), before parsing. */
    public String get(Option option) {
        return values.get(option);
    }

    /** Where the value of {@code option} came from: "agent argument mode", "config file /etc/g.properties:3", "default", ... */
    public String sourceOf(Option option) {
        return sources.get(option);
    }

    public Mode mode() {
        return (Mode) typed.get(Option.MODE);
    }

    public Optional<Path> reportFile() {
        return Optional.ofNullable((Path) typed.get(Option.REPORT_FILE));
    }

    public boolean reportToStderr() {
        return (Boolean) typed.get(Option.LOG);
    }

    public boolean expectAnyOutsideScope() {
        return (Boolean) typed.get(Option.EXPECT_OUTSIDE_SCOPE);
    }

    @SuppressWarnings("unchecked")
    public List<ClassPattern> allow() {
        return (List<ClassPattern>) typed.get(Option.ALLOW);
    }

    public int recheckEvery() {
        return (Integer) typed.get(Option.RECHECK_EVERY);
    }

    public boolean selfTest() {
        return (Boolean) typed.get(Option.SELF_TEST);
    }

    public PropagationPolicy propagation() {
        return (PropagationPolicy) typed.get(Option.PROPAGATE);
    }

    public boolean submissionStacks() {
        return (Boolean) typed.get(Option.SUBMISSION_STACKS);
    }

    /** Which cache answers name lookups made on threads outside the launch namespace. */
    public NameCache nameCache() {
        return (NameCache) typed.get(Option.DNS_CACHE);
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
