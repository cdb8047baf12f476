package dev.netnsguard.dns;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's {@code dns-cache} option against real DNS: a dnsmasq inside a named namespace (a
 * {@link DnsNamespace}) serving names nobody else serves, and JVMs forked under the packaged agent jar
 * running {@link NameCacheProgram}. With {@code dns-cache=per-namespace} each namespace gets its own
 * answers, strict mode stays silent and the JDK's cache still holds only the launch namespace's answers;
 * with the default ({@code jvm}) the same program shows the bug the option removes, and the guard's report.
 */
class NameCacheIT {
    private static final Path AGENT_JAR = Path.of(System.getProperty("netnsguard.test.agentJar",
            "target/agent/netns-guard-agent.jar")).toAbsolutePath();
    private static final String INSIDE = DnsNamespace.ADDRESS;
    private static DnsNamespace dns;

    @BeforeAll
    static void start() throws Exception {
        dns = DnsNamespace.start("ngtest-dc-");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @AfterEach
    void noHostsFile() throws Exception {
        dns.deleteHosts();
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_18, disabledReason = "the namespace's own DNS reaches InetAddress through the JDK 18+ resolver SPI")
    void perNamespaceGivesEachNamespaceItsOwnAnswerAndStrictModeStaysSilent(@TempDir Path dir) throws Exception {
        Map<String, String> r = run(dir, "mode=strict,log=none,dns-cache=per-namespace", 60, 60, "each-its-own");
        assertEquals("unknown", r.get("outside.first"), r.toString());
        assertEquals(INSIDE, r.get("inside.first"), r.toString());
        assertEquals("unknown", r.get("outside.again"), "the JDK's cache still holds the outside answer: " + r);
        assertEquals("127.0.0.1", r.get("inside.localhost"), r.toString());
        // the hosts file now says otherwise inside: within the TTLs the namespace's cached answers stand
        assertEquals("unknown", r.get("inside.later"), r.toString());
        assertEquals(INSIDE, r.get("inside.cached"), r.toString());
        assertEquals("unknown", r.get("inside.later.cached"), "negative answers are cached per namespace too: " + r);
        assertEquals("unknown", r.get("outside.last"), r.toString());
        assertEquals("0", r.get("violations"), r.toString());
        assertEquals("{}", r.get("hookFailures"), r.toString());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_18, disabledReason = "the namespace's own DNS reaches InetAddress through the JDK 18+ resolver SPI")
    void theJdksTtlsOfZeroCacheNothingPerNamespace(@TempDir Path dir) throws Exception {
        Map<String, String> r = run(dir, "mode=strict,log=none,dns-cache=per-namespace", 0, 0, "uncached");
        assertEquals(INSIDE, r.get("inside.first"), r.toString());
        assertEquals("unknown", r.get("inside.later"), r.toString());
        assertEquals("198.51.100.9", r.get("inside.again"), "ttl=0: resolved again, from the new hosts file: " + r);
        assertEquals("198.51.100.10", r.get("inside.later.again"), "negative ttl=0: resolved again: " + r);
        assertEquals("0", r.get("violations"), r.toString());
        assertEquals("{}", r.get("hookFailures"), r.toString());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_18, disabledReason = "the namespace's own DNS reaches InetAddress through the JDK 18+ resolver SPI")
    void concurrentLookupsOfOneNameInTwoNamespacesAndOutsideEachGetTheirOwn(@TempDir Path dir) throws Exception {
        Map<String, String> r = run(dir, "mode=strict,log=none,dns-cache=per-namespace", 60, 60, "concurrent");
        assertEquals("120", r.get("seen.inside." + DnsNamespace.MANY_COUNT), r.toString());
        assertEquals("120", r.get("seen.fresh.unknown"), r.toString());
        assertEquals("120", r.get("seen.outside.unknown"), r.toString());
        assertEquals(3, r.keySet().stream().filter(k -> k.startsWith("seen.")).count(), r.toString());
        assertEquals("0", r.get("violations"), r.toString());
        assertEquals("{}", r.get("hookFailures"), r.toString());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_18, disabledReason = "the namespace's own DNS reaches InetAddress through the JDK 18+ resolver SPI")
    void withTheJvmCacheTheInsideLookupGetsTheOutsideAnswerAndIsReported(@TempDir Path dir) throws Exception {
        Map<String, String> r = run(dir, "mode=report,log=none", 60, 60, "shared");
        assertEquals("unknown", r.get("outside.first"), r.toString());
        assertEquals("unknown", r.get("inside.first"), "the bug: the namespace's own DNS knows the name: " + r);
        assertEquals("1", r.get("inside.reported"), r.toString());
        assertTrue(r.get("inside.detail").startsWith(DnsNamespace.NAME + " (answered from the JVM-wide InetAddress cache"),
                r.toString());
        assertEquals(DnsNamespace.MANY_COUNT, r.get("inside.many").split(",").length, r.toString());
        assertEquals(r.get("inside.many"), r.get("outside.many"), "the bug the other way: outside gets the inside answer");
        assertEquals("1", r.get("violations"), r.toString());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_18, disabledReason = "the namespace's own DNS reaches InetAddress through the JDK 18+ resolver SPI")
    void withTheJvmCacheStrictModeThrows(@TempDir Path dir) throws Exception {
        Map<String, String> r = run(dir, "mode=strict,log=none", 60, 60, "shared");
        assertEquals("unknown", r.get("outside.first"), r.toString());
        assertEquals("violation:DNS_LOOKUP", r.get("inside.first"), r.toString());
    }

    /**
     * Every JDK, with the built-in resolver: a name the machine's nameserver answers, unreachable from a
     * fresh namespace. Looked up inside first, the JVM-wide cache would keep the failure for everyone.
     */
    @Test
    void aFailureInsideIsNotServedOutside(@TempDir Path dir) throws Exception {
        String name = hostResolvedName();
        Map<String, String> on = run(dir, "mode=strict,log=none,dns-cache=per-namespace", 60, 60, "host-names", name);
        assertEquals("unknown", on.get("inside.first"), on.toString());
        assertTrue(!on.get("outside.first").equals("unknown") && !on.get("outside.first").startsWith("violation"),
                on.toString());
        assertEquals("unknown", on.get("inside.again"), on.toString());
        assertEquals(on.get("outside.first"), on.get("outside.again"), on.toString());
        assertEquals("127.0.0.1", on.get("inside.localhost"), on.toString());
        assertEquals("0", on.get("violations"), on.toString());
        assertEquals("{}", on.get("hookFailures"), on.toString());

        Map<String, String> off = run(dir, "mode=report,log=none", 60, 60, "host-names", name);
        assertEquals("unknown", off.get("inside.first"), off.toString());
        assertEquals("unknown", off.get("outside.first"), "the bug: the inside failure, cached for the JVM: " + off);
    }

    /** Every JDK: a lookup on a thread in the wrong namespace is reported before the per-namespace answer. */
    @Test
    void aLookupOnAThreadInTheWrongNamespaceIsStillReported(@TempDir Path dir) throws Exception {
        Map<String, String> r = run(dir, "mode=report,log=none,dns-cache=per-namespace", 60, 60, "stray");
        assertEquals("127.0.0.1", r.get("stray.answer"), r.toString());
        assertEquals("1", r.get("stray.reported"), r.toString());
        assertEquals("STRAY_THREAD", r.get("stray.kind"), r.toString());
        assertTrue(r.get("stray.detail").startsWith("DNS_LOOKUP localhost on pool thread"), r.toString());
        assertEquals("{}", r.get("hookFailures"), r.toString());
    }

    /**
     * A name the machine's nameserver answers (asked with {@code getent -s dns}, outside this JVM and its
     * cache), or the test is skipped: without one there is no outside answer to tell from the inside one.
     */
    private static String hostResolvedName() throws Exception {
        for (String candidate : List.of("repo.maven.apache.org", "deb.debian.org")) {
            Process getent = new ProcessBuilder("getent", "-s", "dns", "ahostsv4", candidate)
                    .redirectErrorStream(true).start();
            getent.getInputStream().readAllBytes();
            if (getent.waitFor(30, TimeUnit.SECONDS) && getent.exitValue() == 0) {
                return candidate;
            }
            getent.destroyForcibly();
        }
        Assumptions.abort("the machine's nameserver answers none of the candidate names");
        return null;
    }

    /** Forks {@link NameCacheProgram} under the agent with {@code agentArgs} and the JDK's TTLs given. */
    private static Map<String, String> run(Path dir, String agentArgs, int ttl, int negativeTtl, String... args)
            throws Exception {
        Path security = Files.writeString(dir.resolve("ttl-" + ttl + "-" + negativeTtl + ".security"),
                "networkaddress.cache.ttl=" + ttl + "\nnetworkaddress.cache.negative.ttl=" + negativeTtl + "\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 21) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-javaagent:" + AGENT_JAR + "=" + agentArgs);
        command.add("-Djava.security.properties=" + security);
        command.add("-cp");
        command.add(classPath());
        command.add(NameCacheProgram.class.getName());
        command.add(args[0]);
        command.add(dns.name);
        for (int i = 1; i < args.length; i++) {
            command.add(args[i]);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("NETNSGUARD_"));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process, false));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("forked JVM timed out: " + command + "\n" + out.getNow("") + err.getNow(""));
        }
        String stdout = out.get(10, TimeUnit.SECONDS);
        String stderr = err.get(10, TimeUnit.SECONDS);
        Map<String, String> results = new HashMap<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("RESULT ")) {
                int eq = line.indexOf('=');
                results.put(line.substring("RESULT ".length(), eq), line.substring(eq + 1));
            }
        }
        assertEquals(0, process.exitValue(), stdout + stderr);
        assertEquals("true", results.get("done"), stdout + stderr);
        return results;
    }

    /** This JVM's test class path without the agent: the forked JVM gets the packaged agent jar only. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("netns-guard-agent") && !entry.endsWith("agent/target/classes")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String read(Process process, boolean stderr) {
        try {
            return new String((stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
