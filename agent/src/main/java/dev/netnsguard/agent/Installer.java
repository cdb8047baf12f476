package dev.netnsguard.agent;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import dev.netnsguard.agent.bootstrap.Propagation;
import dev.netnsguard.agent.instrumentation.GuardTransformer;
import dev.netnsguard.agent.instrumentation.Instrumentations;
import dev.netnsguard.agent.instrumentation.TypeInstrumentation;
import dev.netnsguard.internal.nsfs.NsLinks;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Installs the guard: grants the bootstrap part the module access it needs, configures the bridge with
 * the agent's {@link GuardJudge}, instruments every unit of {@link Instrumentations#ALL} (retransforming
 * classes already loaded, never adding methods), connects runtimes already loaded, and starts the
 * {@link SelfTest}.
 */
final class Installer {
    /** The runtime class whose connect() hands its scope state to the bridge. */
    static final String GUARD_LINK = "dev.netnsguard.internal.scope.GuardLink";

    /** The runtime's factory of namespace threads ({@code NetNS.threadFactory()}). */
    private static final String NAMESPACE_THREAD_FACTORY = "dev.netnsguard.NamespaceThreadFactory";

    private static volatile Instrumentation instrumentation;
    private static volatile Reporter reporter;
    private static volatile GuardJudge judge;
    private static volatile GuardTransformer transformer;
    /** The units' transformers of their own (classes matched by hierarchy), installed after {@link #transformer}. */
    private static volatile List<ClassFileTransformer> hierarchyTransformers = List.of();
    private static volatile Config config;
    private static volatile SelfTest selfTest;
    private static volatile String socketChecks = "off";

    private Installer() {}

    static Config config() {
        return config;
    }

    static Reporter reporter() {
        return reporter;
    }

    static GuardJudge judge() {
        return judge;
    }

    static Instrumentation instrumentation() {
        return instrumentation;
    }

    static boolean installed() {
        return transformer != null && GuardBridge.armed();
    }

    static Set<String> transformedTypes() {
        GuardTransformer t = transformer;
        return t == null ? Set.of() : t.transformed();
    }

    static GuardTransformer transformer() {
        return transformer;
    }

    static synchronized void install(Config config, Instrumentation inst) {
        if (transformer != null) {
            reconfigure(config);
            return;
        }
        if (!config.mode().checks()) {
            return;
        }
        instrumentation = inst;
        grantModuleAccess(inst);
        long launch;
        try {
            launch = NsLinks.inodeOf(Path.of("/proc/self/ns/net"));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/self/ns/net (is /proc mounted?): " + e, e);
        }
        reporter = new Reporter(settings(config, launch));
        judge = new GuardJudge(reporter, launch, config.mode());
        judge.nameCache(config.nameCache(), inst);
        GuardBridge.configure(launch, config.expectAnyOutsideScope(), config.recheckEvery(), judge);
        configurePropagation(config);
        GuardTransformer t = new GuardTransformer();
        List<ClassFileTransformer> own = new ArrayList<>();
        for (TypeInstrumentation unit : Instrumentations.ALL) {
            if (!unit.propagation() || !config.propagation().none()) {
                if (unit.hierarchyTransformer() != null) {
                    own.add(unit.hierarchyTransformer());
                } else {
                    t.register(unit);
                }
            }
        }
        transformer = t;
        inst.addTransformer(t, true);
        // not retransformable: what they inlined stays when the named classes are retransformed (switchOff)
        for (ClassFileTransformer hierarchical : own) {
            inst.addTransformer(hierarchical, false);
        }
        hierarchyTransformers = List.copyOf(own);
        retransform(inst, t.targets());
        connectRuntimes(inst);
        socketChecks = "proc: the native part is loading";
        Warmup.start(inst, t);
        GuardBridge.arm(true);
        Installer.config = config;
        if (config.selfTest()) {
            selfTest = SelfTest.start(t);
        }
    }

    /**
     * What install leaves to a thread of its own, off the application's way to {@code main}: loading the
     * native part (the JNI library and the module layer it needs), then compiling the advice of the JDK's
     * targets before the application first loads them. Until the native part is in place the bridge reads
     * each new socket's namespace from /proc, which is exact too, and a target loaded before its advice is
     * compiled compiles it then, as without this thread: nothing goes unjudged meanwhile. A class, not a
     * lambda: premain spins none.
     */
    private static final class Warmup implements Runnable {
        private final Instrumentation inst;
        private final GuardTransformer transformer;

        private Warmup(Instrumentation inst, GuardTransformer transformer) {
            this.inst = inst;
            this.transformer = transformer;
        }

        static void start(Instrumentation inst, GuardTransformer transformer) {
            Thread thread = new Thread(new Warmup(inst, transformer), "netns-guard-warmup");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try {
                GuardBridge.socketNamespaces(SocketNamespaceService.load(inst));
                socketChecks = "kernel";
            } catch (IllegalStateException unavailable) {
                socketChecks = "proc: " + unavailable.getMessage();
            }
            transformer.prepareJdkTargets();
        }
    }

    /** How new sockets are judged: "kernel", "proc: why not the kernel", or "off". */
    static String socketChecks() {
        return socketChecks;
    }

    /** "running", "passed", "off", or "failed: why". */
    static String selfTestStatus() {
        SelfTest test = selfTest;
        return test == null ? "off" : test.status();
    }

    /** The self-test failed: the guard takes itself out, back to the original classes. */
    static synchronized void switchOff() {
        GuardBridge.arm(false);
        GuardTransformer removed = transformer;
        if (removed != null) {
            transformer = null;
            // classes they already transformed keep the advice; it only propagates, and the bridge is disarmed
            hierarchyTransformers.forEach(instrumentation::removeTransformer);
            instrumentation.removeTransformer(removed);
            try {
                retransform(instrumentation, removed.targets());
            } catch (RuntimeException e) {
                // the checks are off anyway
            }
        }
    }

    private static void reconfigure(Config newConfig) {
        Reporter.Settings old = reporter.settings();
        reporter.reconfigure(settings(newConfig, old.launch()));
        judge.mode(newConfig.mode());
        judge.nameCache(newConfig.nameCache(), instrumentation);
        // The judge in place stays: while the self-test runs, its judge stands in (and hands the rest to this one).
        GuardBridge.configure(old.launch(), newConfig.expectAnyOutsideScope(), newConfig.recheckEvery(), GuardBridge.judge());
        configurePropagation(newConfig);
        GuardBridge.arm(newConfig.mode().checks());
        config = newConfig;
    }

    private static void configurePropagation(Config config) {
        PropagationPolicy policy = config.propagation();
        Propagation.configure(!policy.none(), policy::carries, Installer::namespaceOwned, config.submissionStacks());
    }

    /**
     * Executors whose threads are a namespace's own (the runtime's, on {@code NetNS.threadFactory()}) or
     * no one's workers (the virtual-thread scheduler, whose carriers run every virtual thread).
     */
    private static boolean namespaceOwned(Object executor) {
        String factory;
        if (executor instanceof ThreadPoolExecutor) {
            factory = ((ThreadPoolExecutor) executor).getThreadFactory().getClass().getName();
        } else if (executor instanceof ForkJoinPool) {
            factory = ((ForkJoinPool) executor).getFactory().getClass().getName();
            if (factory.startsWith("java.lang.VirtualThread")) {
                return true;
            }
        } else {
            return false;
        }
        return factory.equals(NAMESPACE_THREAD_FACTORY);
    }

    private static Reporter.Settings settings(Config config, long launch) {
        return new Reporter.Settings(config.mode(), config.reportToStderr(), config.reportFile().orElse(null),
                config.allow(), launch);
    }

    /**
     * java.base must read the bootstrap part (the inlined advice calls it), export
     * jdk.internal.misc to it (CarrierThreadLocal) and open java.io (a socket's fd number) and sun.nio.ch (the
     * descriptor of a channel a library queues writes for) to it.
     */
    private static void grantModuleAccess(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        Module bridge = GuardBridge.class.getModule();
        inst.redefineModule(javaBase, Set.of(bridge), Map.of("jdk.internal.misc", Set.of(bridge)),
                Map.of("java.io", Set.of(bridge), "sun.nio.ch", Set.of(bridge)), Set.of(), Map.of());
    }

    /** Retransforms the loaded classes among {@code names} (attach; or JDK classes used before premain). */
    static void retransform(Instrumentation inst, Set<String> names) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (names.contains(type.getName()) && inst.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (UnmodifiableClassException e) {
                throw new IllegalStateException("cannot retransform " + loaded + ": " + e, e);
            }
        }
    }

    /**
     * Hands the scope state of every runtime already loaded (by any class loader) to the bridge. A
     * runtime on the module path does not export its internal package: the agent opens it to itself.
     */
    private static void connectRuntimes(Instrumentation inst) {
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (type.getName().equals(GUARD_LINK)) {
                try {
                    Module runtime = type.getModule();
                    if (runtime.isNamed()) {
                        inst.redefineModule(runtime, Set.of(), Map.of(type.getPackageName(), Set.of(Installer.class.getModule())),
                                Map.of(), Set.of(), Map.of());
                    }
                    Method connect = type.getMethod("connect");
                    connect.invoke(null);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    System.err.println("netns-guard: cannot connect the runtime loaded by "
                            + type.getClassLoader() + ": " + e);
                }
            }
        }
    }
}
