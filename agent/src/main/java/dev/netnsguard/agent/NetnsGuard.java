package dev.netnsguard.agent;

import dev.netnsguard.agent.bootstrap.GuardBridge;

import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent's public API, for tests and programmatic use: install the guard without
 * {@code -javaagent} (like {@code BlockHound.install()}), reconfigure it, read its counters and
 * listen to violations.
 *
 * <p>Kinds are given as their names (SOCKET_OPEN, ...), so this class can be used before the agent's
 * bootstrap part exists.
 */
public final class NetnsGuard {
    private NetnsGuard() {}

    /** Installs the guard with the configuration of this JVM (system properties, environment, defaults). */
    public static void install() {
        install("");
    }

    /**
     * Installs the guard with {@code options} ({@code key=value,...} as agent arguments, the highest
     * precedence), or reconfigures it if it is installed. Without {@code -javaagent} the agent jar
     * (which must be on the class path) is attached to this JVM; on JDK 21+ that prints the JDK's
     * dynamic-agent warning unless the JVM runs with {@code -XX:+EnableDynamicAgentLoading}.
     *
     * @throws ConfigException on an unknown key or a bad value
     * @throws IllegalStateException if the guard cannot be installed (the reason is in the message)
     */
    public static synchronized void install(String options) {
        Config config = Config.load(options);
        if (available() && Installer.instrumentation() != null) {
            Installer.install(config, Installer.instrumentation());
            return;
        }
        if (!config.mode().checks()) {
            return;
        }
        File jar = agentJar();
        try {
            net.bytebuddy.agent.ByteBuddyAgent.attach(jar, String.valueOf(ProcessHandle.current().pid()),
                    options == null ? "" : options);
        } catch (RuntimeException e) {
            throw new IllegalStateException("netns-guard: cannot attach the agent to this JVM: " + e, e);
        }
        if (!isInstalled()) {
            throw new IllegalStateException("netns-guard: the agent did not install (see its message on stderr)");
        }
    }

    /** The inode of the namespace the JVM was launched in, which code outside scopes expects; 0 before install. */
    public static long launchInode() {
        return GuardBridge.launchInode();
    }

    /** True if the guard is checking (mode report or strict). */
    public static boolean isInstalled() {
        return available() && Installer.reporter() != null && Installer.installed();
    }

    /** The active mode: strict, report or off. */
    public static String mode() {
        return isInstalled() ? Installer.reporter().settings().mode().key() : Mode.OFF.key();
    }

    /** The active configuration as key=value pairs, or "mode=off" when the guard is not installed. */
    public static String configuration() {
        if (!available() || Installer.config() == null) {
            return "mode=off";
        }
        return Installer.config().toString();
    }

    /**
     * The install-time self-test, which runs on its own daemon thread: "running", "passed", "off"
     * (self-test=off, or not installed) or "failed: why" (the guard then switched itself off).
     */
    public static String selfTest() {
        return available() ? Installer.selfTestStatus() : "off";
    }

    /**
     * Where the guard learns which namespace a new socket lives in: {@code "kernel"} (the socket's own
     * namespace, from the agent's native part), {@code "proc: <why>"} (the creating thread's, read from
     * /proc: exact too, slower; on a machine the agent has no native part for, and for the few milliseconds
     * after install while the native part loads in the background), or {@code "off"}.
     */
    public static String socketChecks() {
        return available() ? Installer.socketChecks() : "off";
    }

    /** How many violations were reported since install or {@link #resetCounters()}. */
    public static long violations() {
        if (!available()) {
            return 0;
        }
        Reporter reporter = Installer.reporter();
        return reporter == null ? 0 : reporter.total();
    }

    /** How many violations of {@code kind} (such as "SOCKET_OPEN") were reported. */
    public static long violations(String kind) {
        return counts().getOrDefault(kind, 0L);
    }

    /** Violations by kind name, every kind present. */
    public static Map<String, Long> counts() {
        if (!available()) {
            return Map.of();
        }
        return Counts.of(Installer.reporter());
    }

    /** The latest violations (at most 200), oldest first. */
    public static List<Violation> recentViolations() {
        if (!available()) {
            return List.of();
        }
        Reporter reporter = Installer.reporter();
        return reporter == null ? List.of() : reporter.recent();
    }

    /**
     * How often each hook that only records or propagates failed inside the guard since install, by hook
     * name (such as {@code "ThreadPoolExecutor.execute"}); each failure let the call go on unguarded, and
     * the first of each hook was reported on stderr.
     */
    public static Map<String, Long> hookFailures() {
        if (!available()) {
            return Map.of();
        }
        GuardJudge judge = Installer.judge();
        return judge == null ? Map.of() : judge.hookFailures();
    }

    /** Zeroes the counters, forgets recent violations and logged sites. */
    public static void resetCounters() {
        if (!available()) {
            return;
        }
        Reporter reporter = Installer.reporter();
        if (reporter != null) {
            reporter.reset();
        }
    }

    /**
     * Calls {@code listener} on the offending thread for every violation reported (before strict mode
     * throws). Returns what removes it.
     */
    public static Runnable addListener(Consumer<Violation> listener) {
        if (!available()) {
            throw new IllegalStateException("netns-guard is not installed");
        }
        Reporter reporter = Installer.reporter();
        if (reporter == null) {
            throw new IllegalStateException("netns-guard is not installed");
        }
        return reporter.addListener(listener);
    }

    private static volatile boolean available;

    /** True once the bootstrap part exists; before that no class naming it may be touched. */
    private static boolean available() {
        if (!available && BootstrapJar.onBootstrapPath()) {
            available = true;
        }
        return available;
    }

    /** The agent jar this class was loaded from. */
    static File agentJar() {
        CodeSource source = NetnsGuard.class.getProtectionDomain().getCodeSource();
        try {
            File file = source == null ? null : new File(source.getLocation().toURI());
            if (file == null || !file.isFile()) {
                throw new IllegalStateException("netns-guard: install() needs the packaged netns-guard-agent.jar on"
                        + " the class path (loaded from " + file + ")");
            }
            return file;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kept apart so that NetnsGuard itself never names a bootstrap-side class. */
    private static final class Counts {
        static Map<String, Long> of(Reporter reporter) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (dev.netnsguard.agent.bootstrap.ViolationKind kind : dev.netnsguard.agent.bootstrap.ViolationKind.values()) {
                counts.put(kind.name(), reporter == null ? 0 : reporter.count(kind));
            }
            return counts;
        }
    }
}
