package dev.netnsguard.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(Mode.REPORT, config.mode());
    }

    @Test
    void precedence() {
        Config config = load("mode=strict", Map.of("netnsguard.mode", "off", "netnsguard.log", "none"),
                Map.of("NETNSGUARD_MODE", "report", "NETNSGUARD_LOG", "stderr", "NETNSGUARD_REPORT_FILE", "v.jsonl"));
        assertEquals(Mode.STRICT, config.mode());
        assertEquals("agent argument mode", config.sourceOf(Option.MODE));
        assertEquals("none", config.get(Option.LOG));
        assertEquals("system property netnsguard.log", config.sourceOf(Option.LOG));
        assertEquals("v.jsonl", config.get(Option.REPORT_FILE));
        assertEquals("environment variable NETNSGUARD_REPORT_FILE", config.sourceOf(Option.REPORT_FILE));
    }

    @Test
    void allowTakesCommasAndSemicolons() {
        Config config = load("allow=a.B,c.D#m;e.*,mode=strict", Map.of(), Map.of());
        assertEquals(List.of("a.B", "c.D#m", "e.*"), config.allow().stream().map(ClassPattern::toString).toList());
        assertEquals(Mode.STRICT, config.mode());
    }

    @Test
    void valuesAreCaseInsensitiveWhereEnumerated() {
        assertEquals(Mode.STRICT, load("mode=STRICT", Map.of(), Map.of()).mode());
        assertEquals("mode=strict", load("mode=STRICT", Map.of(), Map.of()).toString().split(",")[0]);
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
        assertTrue(load("propagate=none", Map.of(), Map.of()).propagation().none());
        assertTrue(load(null, Map.of(), Map.of()).propagation().all());
        Config some = load("propagate=com.acme.Pool,java.util.concurrent.ForkJoin*,mode=strict", Map.of(), Map.of());
        assertEquals(List.of("com.acme.Pool", "java.util.concurrent.ForkJoin*"),
                some.propagation().executors().stream().map(ClassPattern::toString).toList());
        assertEquals(Mode.STRICT, some.mode());
        assertTrue(some.propagation().carries(java.util.concurrent.ForkJoinPool.class));
        assertFalse(some.propagation().carries(java.util.concurrent.ScheduledThreadPoolExecutor.class));
        ConfigException method = assertThrows(ConfigException.class, () -> load("propagate=com.acme.Pool#run", Map.of(), Map.of()));
        assertTrue(method.getMessage().contains("for propagate"), method.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> load("propagate=a b", Map.of(), Map.of()));
        assertTrue(bad.getMessage().contains("for propagate"), bad.getMessage());
    }

    @Test
    void aConfigFileComesAfterArgumentsPropertiesAndEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("guard.properties");
        Files.writeString(file, "# fleet defaults\nmode = strict\nlog: none\n\nallow=com.acme.Legacy\n");
        Config config = load("config-file=" + file, Map.of("netnsguard.log", "stderr"), Map.of());
        assertEquals(Mode.STRICT, config.mode());
        assertEquals("config file " + file + ":2", config.sourceOf(Option.MODE));
        assertTrue(config.reportToStderr(), "a system property wins over the file");
        assertEquals("com.acme.Legacy", config.allow().get(0).toString());
        assertEquals(Mode.REPORT, load("mode=report,config-file=" + file, Map.of(), Map.of()).mode(), "arguments win");
        Config fromEnv = load(null, Map.of(), Map.of("NETNSGUARD_CONFIG_FILE", file.toString()));
        assertEquals(Mode.STRICT, fromEnv.mode());
    }

    @Test
    void configFileErrorsNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("guard.properties");
        Files.writeString(file, "mode=strict\nmdoe=report\n");
        ConfigException unknown = assertThrows(ConfigException.class, () -> load("config-file=" + file, Map.of(), Map.of()));
        assertTrue(unknown.getMessage().contains("'mdoe' (in config file " + file + ":2)"), unknown.getMessage());
        Files.writeString(file, "\n\nlog=file\n");
        ConfigException bad = assertThrows(ConfigException.class, () -> load("config-file=" + file, Map.of(), Map.of()));
        assertTrue(bad.getMessage().contains("for log (from config file " + file + ":3)"), bad.getMessage());
        Files.writeString(file, "config-file=/etc/other\n");
        assertThrows(ConfigException.class, () -> load("config-file=" + file, Map.of(), Map.of()), "no nesting");
        ConfigException missing = assertThrows(ConfigException.class,
                () -> load("config-file=" + dir.resolve("absent"), Map.of(), Map.of()));
        assertTrue(missing.getMessage().contains("cannot read config-file " + dir.resolve("absent")), missing.getMessage());
    }

    @Test
    void dnsCacheIsTypedAndItsErrorsNameTheAllowedValues() {
        assertEquals(NameCache.JVM, load(null, Map.of(), Map.of()).nameCache());
        Config perNamespace = load("dns-cache=Per-Namespace", Map.of(), Map.of());
        assertEquals(NameCache.PER_NAMESPACE, perNamespace.nameCache());
        assertEquals("per-namespace", perNamespace.get(Option.DNS_CACHE));
        assertEquals(NameCache.PER_NAMESPACE,
                load(null, Map.of(), Map.of("NETNSGUARD_DNS_CACHE", "per-namespace")).nameCache());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> load(null, Map.of("netnsguard.dns-cache", "namespace"), Map.of()));
        assertEquals("netns-guard: bad value 'namespace' for dns-cache (from system property netnsguard.dns-cache);"
                + " allowed values: jvm, per-namespace", bad.getMessage());
    }

    @Test
    void oneNamingSchemeForEveryKey() {
        for (Option option : Option.values()) {
            assertEquals("netnsguard." + option.key(), option.systemProperty());
            assertEquals(option, Option.of(option.key()));
            assertTrue(option.environmentVariable().matches("NETNSGUARD_[A-Z_]+"), option.environmentVariable());
        }
        assertEquals(Set.of("mode", "report-file", "log", "expect-outside-scope", "allow", "recheck-every", "self-test",
                "propagate", "submission-stacks", "dns-cache", "config-file"),
                Set.copyOf(List.of(Config.knownKeys().split(", "))));
    }
}
