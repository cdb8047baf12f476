package dev.netnsguard.junit;

import dev.netnsguard.agent.Config;
import dev.netnsguard.agent.NetnsGuard;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Fails the test during which network code ran in the wrong network namespace, on the test's thread
 * or on any other thread, with the guard's report of every such violation in the failure message.
 *
 * <p>Register it with {@code @ExtendWith(NetnsGuardExtension.class)}, {@link NetnsGuarded @NetnsGuarded},
 * or for every test class through Jupiter's extension autodetection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true}; this jar lists the extension in
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
 *
 * <p>The guard itself is the netns-guard agent, one per JVM. Run the tests with
 * {@code -javaagent:netns-guard-agent.jar}: the extension then only listens to it. Without it, the
 * extension installs the guard when the first guarded class starts (a dynamic attach: on JDK 21+
 * the JVM needs {@code -XX:+EnableDynamicAgentLoading} not to print a warning), in report mode
 * unless configured otherwise, so that a violation on a thread other than the test's is recorded
 * rather than thrown into that thread.
 *
 * <p>Attribution: a violation belongs to the test that is running when it is reported (from its
 * {@code @BeforeEach} methods to its {@code @AfterEach} methods). With tests running in parallel,
 * one reported on a test's own thread goes to that test; one reported on another thread goes to
 * every test running at that moment. A violation while no test runs (static initialisers,
 * {@code @BeforeAll}, {@code @AfterAll}) fails the class.
 *
 * <p>Configuration parameters (junit-platform.properties, or {@code -D} system properties):
 * <ul>
 * <li>{@value #ALLOW}: allow patterns as in {@link NetnsGuarded#allow()}, separated by commas or
 * semicolons, for every guarded test;</li>
 * <li>{@value #INSTALL_OPTIONS}: the agent options used when the extension installs the guard.</li>
 * </ul>
 * The guard and this extension are off, and no test is failed, when the agent's mode is {@code off}
 * ({@code -Dnetnsguard.mode=off}, {@code NETNSGUARD_MODE=off}, or {@code -javaagent:...=mode=off}).
 */
public final class NetnsGuardExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    /** Configuration parameter: allow patterns for every guarded test. */
    public static final String ALLOW = "dev.netnsguard.junit.allow";
    /** Configuration parameter: the agent options used if the extension installs the guard. */
    public static final String INSTALL_OPTIONS = "dev.netnsguard.junit.install-options";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NetnsGuardExtension.class);
    private static final String WINDOW = "window";
    private static final String AGENT_MAIN = "dev.netnsguard.agent.AgentMain";

    /** What the JVM-wide set-up ended in: null before the first guarded class, then ACTIVE, OFF or a failure. */
    private static volatile Object state;
    private static final Object ACTIVE = "active";
    private static final Object OFF = "off";

    /** Used by Jupiter: by {@code @ExtendWith}, {@code @NetnsGuarded} and autodetection. */
    public NetnsGuardExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (activate(context)) {
            context.getStore(NAMESPACE).put(WINDOW, Recorder.open(false));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Recorder.Window window = context.getStore(NAMESPACE).remove(WINDOW, Recorder.Window.class);
        if (window == null) {
            return;
        }
        Recorder.close(window);
        List<String> allow = allowPatterns(context, classAndEnclosing(context.getRequiredTestClass()));
        Report report = Report.of(window, allow);
        if (report != null) {
            throw new AssertionFailedError(report.message("while no test of " + context.getRequiredTestClass().getName()
                    + " was running (static initialisers, @BeforeAll, @AfterAll, or a thread still running between tests)"));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (activate(context)) {
            context.getStore(NAMESPACE).put(WINDOW, Recorder.open(true));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Recorder.Window window = context.getStore(NAMESPACE).remove(WINDOW, Recorder.Window.class);
        if (window == null) {
            return;
        }
        Recorder.close(window);
        List<AnnotatedElement> elements = new ArrayList<>();
        context.getTestMethod().ifPresent(elements::add);
        elements.addAll(classAndEnclosing(context.getRequiredTestClass()));
        Report report = Report.of(window, allowPatterns(context, elements));
        if (report != null) {
            throw new AssertionFailedError(report.message("during this test"));
        }
    }

    // ------------------------------------------------------------------ installing the guard

    /** Makes sure the guard is installed and listened to; false if the guard is switched off. */
    private static boolean activate(ExtensionContext context) {
        Object s = state;
        if (s == null) {
            synchronized (NetnsGuardExtension.class) {
                s = state;
                if (s == null) {
                    s = setUp(context);
                    state = s;
                }
            }
        }
        if (s instanceof RuntimeException) {
            RuntimeException failure = (RuntimeException) s;
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return s == ACTIVE;
    }

    private static Object setUp(ExtensionContext context) {
        try {
            Optional<String> agentArgs = javaagentArguments();
            if (!NetnsGuard.isInstalled()) {
                if (agentArgs.isPresent()) {
                    if (!Config.load(agentArgs.get()).mode().checks()) {
                        return OFF;
                    }
                    return new IllegalStateException("netns-guard: the agent given with -javaagent did not install"
                            + " (its reason is on stderr); the tests cannot be guarded");
                }
                String options = installOptions(context);
                if (!Config.load(options).mode().checks()) {
                    return OFF;
                }
                try {
                    NetnsGuard.install(options);
                } catch (RuntimeException e) {
                    return new IllegalStateException("netns-guard: cannot install the guard in this JVM (" + e.getMessage()
                            + "); run the tests with -javaagent:netns-guard-agent.jar (see docs/junit.md)", e);
                }
            }
            Recorder.listen();
            return ACTIVE;
        } catch (RuntimeException e) {
            return e; // a ConfigException names the bad key or value
        }
    }

    private static String installOptions(ExtensionContext context) {
        List<String> options = new ArrayList<>();
        context.getConfigurationParameter(INSTALL_OPTIONS).filter(o -> !o.isBlank()).ifPresent(options::add);
        for (AnnotatedElement element : classAndEnclosing(context.getRequiredTestClass())) {
            AnnotationSupport.findAnnotation(element, NetnsGuarded.class)
                    .map(NetnsGuarded::installOptions).filter(o -> !o.isBlank()).ifPresent(options::add);
        }
        return String.join(",", options);
    }

    /** The arguments of a {@code -javaagent} that is the netns-guard agent ("" if none), or empty. */
    static Optional<String> javaagentArguments() {
        List<String> input;
        try {
            input = ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError noManagement) {
            return Optional.empty();
        }
        for (String arg : input) {
            if (!arg.startsWith("-javaagent:")) {
                continue;
            }
            String spec = arg.substring("-javaagent:".length());
            int eq = spec.indexOf('=');
            String jar = eq < 0 ? spec : spec.substring(0, eq);
            try (JarFile file = new JarFile(Path.of(jar).toFile())) {
                Manifest manifest = file.getManifest();
                if (manifest != null && AGENT_MAIN.equals(manifest.getMainAttributes().getValue("Premain-Class"))) {
                    return Optional.of(eq < 0 ? "" : spec.substring(eq + 1));
                }
            } catch (IOException | RuntimeException notAJar) {
                // another agent, or one we cannot read
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ allow patterns

    private static List<AnnotatedElement> classAndEnclosing(Class<?> type) {
        List<AnnotatedElement> elements = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            elements.add(c);
        }
        return elements;
    }

    private static List<String> allowPatterns(ExtensionContext context, List<AnnotatedElement> elements) {
        List<String> patterns = new ArrayList<>();
        context.getConfigurationParameter(ALLOW).ifPresent(p -> patterns.addAll(split(p)));
        for (AnnotatedElement element : elements) {
            AnnotationSupport.findAnnotation(element, NetnsGuarded.class)
                    .ifPresent(a -> Arrays.stream(a.allow()).forEach(p -> patterns.addAll(split(p))));
        }
        return patterns;
    }

    private static List<String> split(String patterns) {
        List<String> list = new ArrayList<>();
        for (String p : patterns.split("[;,]")) {
            if (!p.isBlank()) {
                list.add(p.trim());
            }
        }
        return list;
    }
}
