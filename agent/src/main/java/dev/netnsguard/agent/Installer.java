package dev.netnsguard.agent;

import dev.netnsguard.agent.advice.DatagramSendAdvice;
import dev.netnsguard.agent.advice.DnsCacheAdvice;
import dev.netnsguard.agent.advice.DnsLookupAdvice;
import dev.netnsguard.agent.advice.DnsResolveAdvice;
import dev.netnsguard.agent.advice.ExecuteAdvice;
import dev.netnsguard.agent.advice.ForkAdvice;
import dev.netnsguard.agent.advice.ForkJoinSubmitAdvice;
import dev.netnsguard.agent.advice.ForkJoinWorkerStartAdvice;
import dev.netnsguard.agent.advice.RecordTaskAdvice;
import dev.netnsguard.agent.advice.RemoveAdvice;
import dev.netnsguard.agent.advice.RunRecordedAdvice;
import dev.netnsguard.agent.advice.ShutdownNowAdvice;
import dev.netnsguard.agent.advice.ThreadStartAdvice;
import dev.netnsguard.agent.advice.WorkerStartAdvice;
import dev.netnsguard.agent.advice.NetlinkOpenAdvice;
import dev.netnsguard.agent.advice.ProcessStartAdvice;
import dev.netnsguard.agent.advice.SocketBindAdvice;
import dev.netnsguard.agent.advice.SocketConnectAdvice;
import dev.netnsguard.agent.advice.SocketOpenAdvice;
import dev.netnsguard.agent.bootstrap.GuardBridge;
import dev.netnsguard.agent.bootstrap.Propagation;
import dev.netnsguard.agent.bootstrap.ViolationKind;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Installs the guard: grants the bootstrap part the module access it needs, configures the bridge,
 * instruments the entry points (retransforming classes already loaded, never adding methods),
 * connects runtimes already loaded, and runs the self-test.
 */
final class Installer {
    /** The runtime class whose connect() hands its scope state to the bridge. */
    static final String GUARD_LINK = "dev.netnsguard.internal.scope.GuardLink";

    private static final String NET = "sun.nio.ch.Net";
    private static final String DATAGRAM_CHANNEL = "sun.nio.ch.DatagramChannelImpl";
    private static final String INET_ADDRESS = "java.net.InetAddress";
    private static final String PROCESS_IMPL = "java.lang.ProcessImpl";
    private static final String ROUTE_SOCKET = "dev.netnsguard.netlink.RouteSocket";
    /** JDK classes the self-test requires to be instrumented. */
    static final List<String> REQUIRED = List.of(NET, DATAGRAM_CHANNEL, INET_ADDRESS, PROCESS_IMPL);

    private static volatile Instrumentation instrumentation;
    private static volatile Reporter reporter;
    private static volatile GuardTransformer transformer;

    private Installer() {}

    private static volatile Config config;

    static Config config() {
        return config;
    }

    static Reporter reporter() {
        return reporter;
    }

    static Instrumentation instrumentation() {
        return instrumentation;
    }

    static boolean installed() {
        return transformer != null && GuardBridge.mode() >= GuardBridge.REPORT;
    }

    static Set<String> transformedTypes() {
        GuardTransformer t = transformer;
        return t == null ? Set.of() : t.transformed();
    }

    static synchronized void install(String args, Instrumentation inst, boolean late) {
        Config config = Config.load(args);
        install(config, inst);
    }

    static synchronized void install(Config config, Instrumentation inst) {
        if (transformer != null) {
            reconfigure(config);
            Installer.config = config;
            return;
        }
        if ("off".equals(config.mode())) {
            return;
        }
        instrumentation = inst;
        grantModuleAccess(inst);
        long launch = NamespaceNames.inodeOf(Path.of("/proc/self/ns/net"));
        if (launch == 0) {
            throw new IllegalStateException("cannot read /proc/self/ns/net (is /proc mounted?)");
        }
        reporter = new Reporter(settings(config, launch));
        GuardBridge.configure(launch, config.expectAnyOutsideScope(), config.recheckEvery(), reporter);
        Propagation.configure(config.propagationPolicy(), config.propagationPatterns().toArray(new String[0]));
        transformer = guardTransformer(config.propagationPolicy() != Propagation.NONE);
        inst.addTransformer(transformer, true);
        retransformLoaded(inst);
        connectRuntimes(inst);
        GuardBridge.setMode(modeOf(config));
        Installer.config = config;
        if (config.selfTest()) {
            selfTestStatus = "running";
            Thread selfTest = new Thread(Installer::runSelfTest, "netns-guard-self-test");
            selfTest.setDaemon(true);
            selfTest.start();
        } else {
            selfTestStatus = "off";
        }
    }

    private static volatile String selfTestStatus = "off";

    /** "running", "passed", "off", or "failed: why". */
    static String selfTestStatus() {
        return selfTestStatus;
    }

    /**
     * The self-test runs on its own daemon thread, a second after install, off the application's
     * startup path (forcing the instrumentation of the remaining entry points costs ByteBuddy
     * warm-up). If it fails, the guard says why on stderr and switches itself off.
     */
    /** The self-test waits this long after install, so it never competes with the application's startup. */
    static final long SELF_TEST_DELAY_MILLIS = 1000;

    private static void runSelfTest() {
        try {
            Thread.sleep(SELF_TEST_DELAY_MILLIS);
        } catch (InterruptedException e) {
            selfTestStatus = "off";
            return;
        }
        String failure;
        try {
            failure = selfTest();
        } catch (Throwable e) {
            failure = e.toString();
        }
        if (failure == null) {
            selfTestStatus = "passed";
            return;
        }
        selfTestStatus = "failed: " + failure;
        synchronized (Installer.class) {
            GuardBridge.setMode(GuardBridge.OFF);
            if (transformer != null) {
                GuardTransformer removed = transformer;
                transformer = null;
                instrumentation.removeTransformer(removed);
                try {
                    retransform(instrumentation, removed.targets()); // back to the original classes
                } catch (RuntimeException e) {
                    // the mode is off anyway
                }
            }
        }
        System.err.println("netns-guard: self-test failed, the guard is switched off: " + failure);
    }

    private static void reconfigure(Config config) {
        Reporter.Settings old = reporter.settings();
        reporter.reconfigure(settings(config, old.launch()));
        GuardBridge.configure(old.launch(), config.expectAnyOutsideScope(), config.recheckEvery(), reporter);
        Propagation.configure(config.propagationPolicy(), config.propagationPatterns().toArray(new String[0]));
        GuardBridge.setMode(modeOf(config));
    }

    private static int modeOf(Config config) {
        switch (config.mode()) {
            case "strict":
                return GuardBridge.STRICT;
            case "report":
                return GuardBridge.REPORT;
            default:
                return GuardBridge.OFF;
        }
    }

    private static Reporter.Settings settings(Config config, long launch) {
        String file = config.get(Option.REPORT_FILE);
        return new Reporter.Settings(config.mode(), config.reportToStderr(),
                file.isEmpty() ? null : Path.of(file).toAbsolutePath(), config.allow(), launch);
    }

    /**
     * java.base must read the bootstrap part (the inlined advice calls it), export
     * jdk.internal.misc to it (CarrierThreadLocal) and open java.io to it (a socket's fd number).
     */
    private static void grantModuleAccess(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        Module bridge = GuardBridge.class.getModule();
        inst.redefineModule(javaBase, Set.of(bridge), Map.of("jdk.internal.misc", Set.of(bridge)),
                Map.of("java.io", Set.of(bridge)), Set.of(), Map.of());
    }

    /** Retransforms the classes to instrument that are loaded already (attach; or JDK classes used before premain). */
    private static void retransformLoaded(Instrumentation inst) {
        retransform(inst, transformer.targets());
    }

    private static void retransform(Instrumentation inst, Set<String> names) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (names.contains(type.getName()) && inst.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (java.lang.instrument.UnmodifiableClassException e) {
                throw new IllegalStateException("cannot retransform " + loaded + ": " + e, e);
            }
        }
    }

    private static final String THREAD = "java.lang.Thread";
    private static final String TPE = "java.util.concurrent.ThreadPoolExecutor";
    private static final String STPE = "java.util.concurrent.ScheduledThreadPoolExecutor";
    private static final String SCHEDULED_TASK = "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask";
    private static final String FJP = "java.util.concurrent.ForkJoinPool";
    private static final String FJT = "java.util.concurrent.ForkJoinTask";
    private static final String FJ_WORKER = "java.util.concurrent.ForkJoinWorkerThread";

    /** Context propagation: executors carry the submitter's scope (see {@link Propagation}). */
    private static GuardTransformer propagation(GuardTransformer t) {
        return t
                .advise(TPE, ExecuteAdvice.class, named("execute").and(takesArguments(1))
                        .and(takesArgument(0, Runnable.class)))
                .advise(TPE, RemoveAdvice.class, named("remove").and(takesArguments(1))
                        .and(takesArgument(0, Runnable.class)))
                .advise(TPE, ShutdownNowAdvice.class, named("shutdownNow").and(takesArguments(0)))
                .advise(TPE, WorkerStartAdvice.class, named("runWorker").and(takesArguments(1))
                        .or(named("getTask").and(takesArguments(0))))
                .advise(STPE, RecordTaskAdvice.class, named("delayedExecute").and(takesArguments(1)))
                .advise(SCHEDULED_TASK, RunRecordedAdvice.class, named("run").and(takesArguments(0)))
                // 17: private externalSubmit(ForkJoinTask); 25: poolSubmit(boolean, ForkJoinTask), externalSubmit(ForkJoinTask)
                .advise(FJP, ForkJoinSubmitAdvice.First.class, named("externalSubmit").and(takesArguments(1))
                        .and(takesArgument(0, named(FJT))))
                .advise(FJP, ForkJoinSubmitAdvice.Second.class, named("poolSubmit").and(takesArguments(2))
                        .and(takesArgument(1, named(FJT))))
                .advise(FJT, ForkAdvice.class, named("fork").and(takesArguments(0)))
                // 17: int doExec(); 25: void doExec()
                .advise(FJT, RunRecordedAdvice.class, named("doExec").and(takesArguments(0)))
                .advise(FJ_WORKER, ForkJoinWorkerStartAdvice.class, named("run").and(takesArguments(0)));
    }

    private static GuardTransformer guardTransformer(boolean propagate) {
        ElementMatcher.Junction<MethodDescription> socketOpen = isStatic()
                .and(named("socket").or(named("serverSocket")))
                .and(takesArgument(0, named("java.net.ProtocolFamily")))
                .and(returns(named("java.io.FileDescriptor")));
        ElementMatcher.Junction<MethodDescription> bind = isStatic().and(named("bind")).and(takesArguments(4))
                .and(takesArgument(0, named("java.net.ProtocolFamily")))
                .and(takesArgument(1, named("java.io.FileDescriptor")));
        ElementMatcher.Junction<MethodDescription> connect = isStatic().and(named("connect")).and(takesArguments(4))
                .and(takesArgument(0, named("java.net.ProtocolFamily")))
                .and(takesArgument(1, named("java.io.FileDescriptor")))
                .and(takesArgument(2, named("java.net.InetAddress")));
        ElementMatcher.Junction<MethodDescription> send = named("send").and(takesArguments(3))
                .and(takesArgument(0, named("java.io.FileDescriptor")))
                .and(takesArgument(2, named("java.net.InetSocketAddress")));
        // JDK 17: getAllByName0(String, InetAddress, boolean, boolean); JDK 25: getAllByName0(String, boolean).
        // The private overload is the designated lookup on both; the others delegate to it.
        ElementMatcher.Junction<MethodDescription> lookup = isStatic().and(isPrivate()).and(named("getAllByName0"))
                .and(takesArgument(0, String.class)).and(takesArguments(4).or(takesArguments(2)));
        ElementMatcher.Junction<MethodDescription> reverse = isStatic().and(named("getHostFromNameService"))
                .and(takesArgument(0, named(INET_ADDRESS)));
        ElementMatcher.Junction<MethodDescription> processStart = isStatic().and(named("start"))
                .and(takesArguments(5)).and(takesArgument(0, String[].class));
        ElementMatcher.Junction<MethodDescription> netlinkOpen = isStatic().and(named("openOnCurrentThread"))
                .and(takesArguments(0));
        // 17: public synchronized void start(); 21+: also void start(ThreadContainer) (thread builders, containers)
        ElementMatcher.Junction<MethodDescription> threadStart = named("start")
                .and(takesArguments(0).or(takesArguments(1).and(takesArgument(0, named("jdk.internal.vm.ThreadContainer")))));
        GuardTransformer t = new GuardTransformer().advise(THREAD, ThreadStartAdvice.class, threadStart);
        if (propagate) {
            t = propagation(t);
        }
        return t
                .advise(NET, SocketOpenAdvice.class, socketOpen)
                .advise(NET, SocketBindAdvice.class, bind)
                .advise(NET, SocketConnectAdvice.class, connect)
                .advise(DATAGRAM_CHANNEL, DatagramSendAdvice.class, send)
                .advise(INET_ADDRESS, DnsLookupAdvice.class, lookup.or(reverse))
                .advise(INET_ADDRESS, DnsCacheAdvice.class, lookup)
                // 17: getAddressesFromNameService(String, InetAddress); 25: getAddressesFromNameService(String)
                .advise(INET_ADDRESS, DnsResolveAdvice.class, isStatic().and(named("getAddressesFromNameService"))
                        .and(takesArgument(0, String.class)))
                .advise(PROCESS_IMPL, ProcessStartAdvice.class, processStart)
                .advise(ROUTE_SOCKET, NetlinkOpenAdvice.class, netlinkOpen);
    }

    /** Hands the scope state of every runtime already loaded (by any class loader) to the bridge. */
    private static void connectRuntimes(Instrumentation inst) {
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (type.getName().equals(GUARD_LINK)) {
                try {
                    Method connect = type.getMethod("connect");
                    connect.invoke(null);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    System.err.println("netns-guard: cannot connect the runtime loaded by "
                            + type.getClassLoader() + ": " + e);
                }
            }
        }
    }

    /** Proves that the hooks fire; returns what failed, or null. */
    private static String selfTest() {
        List<String> problems = new ArrayList<>();
        int[] hits;
        GuardBridge.beginSelfTest();
        try {
            Class.forName(DATAGRAM_CHANNEL, false, null);
            Class.forName(PROCESS_IMPL, false, null);
            SocketChannel.open().close();
            InetAddress.getByName("localhost");
        } catch (Exception e) {
            problems.add("self-test operation failed: " + e);
        } finally {
            hits = GuardBridge.endSelfTest();
        }
        if (hits[ViolationKind.SOCKET_OPEN.ordinal()] == 0) {
            problems.add("the socket hook did not fire");
        }
        if (hits[ViolationKind.DNS_LOOKUP.ordinal()] == 0) {
            problems.add("the name lookup hook did not fire");
        }
        GuardTransformer t = transformer;
        Set<String> done = t == null ? Set.of() : t.transformed();
        Map<String, Throwable> errors = t == null ? Map.of() : t.errors();
        for (String type : REQUIRED) {
            if (!done.contains(type)) {
                Throwable error = errors.get(type);
                problems.add(type + " was not instrumented" + (error == null ? "" : ": " + error));
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
