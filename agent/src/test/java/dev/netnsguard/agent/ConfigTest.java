package dev.netnsguard.agent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    static Config load(String args, Map<String, String> properties, Map<String, String> env) {
        return Config.load(args, properties::get, env, properties.keySet());
    }

    @Test
    void defaults() {
        Config config = load(null, Map.of(), Map.of());
        for (Option option : Option.values()) {
            assertEquals(option.defaultValue(), config.get(option));
            assertEquals("default", config.sourceOf(option));
        }
        assertEquals("report", config.mode());
    }

    @Test
    void precedence() {
        Config config = load("mode=strict", Map.of("netnsguard.mode", "off", "netnsguard.log", "none"),
                Map.of("NETNSGUARD_MODE", "report", "NETNSGUARD_LOG", "stderr", "NETNSGUARD_REPORT_FILE", "v.jsonl"));
        assertEquals("strict", config.mode());
        assertEquals("agent argument mode", config.sourceOf(Option.MODE));
        assertEquals("none", config.get(Option.LOG));
        assertEquals("system property netnsguard.log", config.sourceOf(Option.LOG));
        assertEquals("v.jsonl", config.get(Option.REPORT_FILE));
        assertEquals("environment variable NETNSGUARD_REPORT_FILE", config.sourceOf(Option.REPORT_FILE));
    }

    @Test
    void allowTakesCommasAndSemicolons() {
        Config config = load("allow=a.B,c.D#m;e.*,mode=strict", Map.of(), Map.of());
        assertEquals(List.of("a.B", "c.D#m", "e.*"), config.allow());
        assertEquals("strict", config.mode());
    }

    @Test
    void valuesAreCaseInsensitiveWhereEnumerated() {
        assertEquals("strict", load("mode=STRICT", Map.of(), Map.of()).mode());
    }

    @Test
    void errorsNameTheKeyAndTheAllowedValues() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> load("mdoe=strict", Map.of(), Map.of()));
        assertTrue(unknown.getMessage().contains("'mdoe'") && unknown.getMessage().contains("known keys: mode,"),
                unknown.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> load("log=file", Map.of(), Map.of()));
        assertTrue(bad.getMessage().contains("for log") && bad.getMessage().contains("allowed values: stderr, none"),
                bad.getMessage());
        ConfigException number = assertThrows(ConfigException.class,
                () -> load(null, Map.of("netnsguard.recheck-every", "-1"), Map.of()));
        assertTrue(number.getMessage().contains("recheck-every") && number.getMessage().contains(">= 0"), number.getMessage());
        ConfigException env = assertThrows(ConfigException.class,
                () -> load(null, Map.of(), Map.of("NETNSGUARD_STRICT", "1")));
        assertTrue(env.getMessage().contains("NETNSGUARD_STRICT"), env.getMessage());
        ConfigException noValue = assertThrows(ConfigException.class, () -> load("strict", Map.of(), Map.of()));
        assertTrue(noValue.getMessage().contains("not key=value"), noValue.getMessage());
    }

    @Test
    void propagateTakesAllNoneOrExecutorPatterns() {
        assertEquals("all", load(null, Map.of(), Map.of()).get(Option.PROPAGATE));
        assertEquals(List.of(), load("propagate=none", Map.of(), Map.of()).propagationPatterns());
        Config some = load("propagate=com.acme.Pool,java.util.concurrent.ForkJoin*,mode=strict", Map.of(), Map.of());
        assertEquals(List.of("com.acme.Pool", "java.util.concurrent.ForkJoin*"), some.propagationPatterns());
        assertEquals("strict", some.mode());
        ConfigException bad = assertThrows(ConfigException.class, () -> load("propagate=a b", Map.of(), Map.of()));
        assertTrue(bad.getMessage().contains("for propagate"), bad.getMessage());
    }

    @Test
    void oneNamingSchemeForEveryKey() {
        for (Option option : Option.values()) {
            assertEquals("netnsguard." + option.key(), option.systemProperty());
            assertEquals(option, Option.of(option.key()));
            assertTrue(option.environmentVariable().matches("NETNSGUARD_[A-Z_]+"), option.environmentVariable());
        }
        assertEquals(Set.of("mode", "report-file", "log", "expect-outside-scope", "allow", "recheck-every", "self-test",
                "propagate"),
                Set.copyOf(List.of(Config.knownKeys().split(", "))));
    }
}
