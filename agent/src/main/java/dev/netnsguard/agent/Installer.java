package dev.netnsguard.agent;

import dev.netnsguard.agent.advice.DatagramSendAdvice;
import dev.netnsguard.agent.advice.DnsLookupAdvice;
import dev.netnsguard.agent.advice.NetlinkOpenAdvice;
import dev.netnsguard.agent.advice.ProcessStartAdvice;
import dev.netnsguard.agent.advice.SocketBindAdvice;
import dev.netnsguard.agent.advice.SocketConnectAdvice;
import dev.netnsguard.agent.advice.SocketOpenAdvice;
import dev.netnsguard.agent.bootstrap.GuardBridge;
import dev.netnsguard.agent.bootstrap.ViolationKind;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
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
    static final String GUARD_LINK = "dev.netnsguard.scope.GuardLink";

    private static final String NET = "sun.nio.ch.Net";
    private static final String DATAGRAM_CHANNEL = "sun.nio.ch.DatagramChannelImpl";
    private static final String INET_ADDRESS = "java.net.InetAddress";
    private static final String PROCESS_IMPL = "java.lang.ProcessImpl";
    private static final String ROUTE_SOCKET = "dev.netnsguard.netlink.RouteSocket";
    /** JDK classes the self-test requires to be instrumented. */
    static final List<String> REQUIRED = List.of(NET, DATAGRAM_CHANNEL, INET_ADDRESS, PROCESS_IMPL);

    private static final String NEXUS_DISABLED = net.bytebuddy.dynamic.Nexus.PROPERTY;

    private static volatile Instrumentation instrumentation;
    private static volatile Reporter reporter;
    private static volatile ResettableClassFileTransformer transformer;
    private static final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private static final Map<String, Throwable> errors = new ConcurrentHashMap<>();

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
        return Set.copyOf(transformed);
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
        transformer = agentBuilder(anyLoaded(inst)).installOn(inst);
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
     * The self-test runs on its own daemon thread, off the application's startup path (forcing the
     * instrumentation of the remaining entry points costs a few hundred milliseconds of ByteBuddy
     * warm-up). If it fails, the guard says why on stderr and switches itself off.
     */
    private static void runSelfTest() {
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
                transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
                transformer = null;
            }
        }
        System.err.println("netns-guard: self-test failed, the guard is switched off: " + failure);
    }

    private static void reconfigure(Config config) {
        Reporter.Settings old = reporter.settings();
        reporter.reconfigure(settings(config, old.launch()));
        GuardBridge.configure(old.launch(), config.expectAnyOutsideScope(), config.recheckEvery(), reporter);
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

    /** True if one of the classes to instrument is loaded already (attach; or a premain after the JDK used one). */
    private static boolean anyLoaded(Instrumentation inst) {
        Set<String> targets = Set.of(NET, DATAGRAM_CHANNEL, INET_ADDRESS, PROCESS_IMPL, ROUTE_SOCKET);
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (targets.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }

    private static AgentBuilder agentBuilder(boolean retransform) {
        // The shaded ByteBuddy's own switch (its name is relocated, so the application's ByteBuddy is
        // unaffected): no Nexus, whose set-up touches sun.misc.Unsafe and makes JDK 24+ print warnings.
        if (System.getProperty(NEXUS_DISABLED) == null) {
            System.setProperty(NEXUS_DISABLED, "true");
        }
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

        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                // Nothing to retransform at a typical premain: skip that machinery on the startup path.
                .with(retransform ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION
                        : AgentBuilder.RedefinitionStrategy.DISABLED)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new Listener())
                .ignore(none())
                .type(named(NET)).transform(advice(SocketOpenAdvice.class, socketOpen,
                        SocketBindAdvice.class, bind, SocketConnectAdvice.class, connect))
                .type(named(DATAGRAM_CHANNEL)).transform(advice(DatagramSendAdvice.class, send))
                .type(named(INET_ADDRESS)).transform(advice(DnsLookupAdvice.class, lookup.or(reverse)))
                .type(named(PROCESS_IMPL)).transform(advice(ProcessStartAdvice.class, processStart))
                .type(named(ROUTE_SOCKET)).transform(advice(NetlinkOpenAdvice.class, netlinkOpen));
    }

    @SuppressWarnings("unchecked")
    private static AgentBuilder.Transformer advice(Object... adviceAndMatchers) {
        return (DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader, JavaModule module,
                java.security.ProtectionDomain domain) -> {
            DynamicType.Builder<?> b = builder;
            for (int i = 0; i < adviceAndMatchers.length; i += 2) {
                b = b.visit(Advice.to((Class<?>) adviceAndMatchers[i])
                        .on((ElementMatcher<? super MethodDescription>) adviceAndMatchers[i + 1]));
            }
            return b;
        };
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
        for (String type : REQUIRED) {
            if (!transformed.contains(type)) {
                Throwable error = errors.get(type);
                problems.add(type + " was not instrumented" + (error == null ? "" : ": " + error));
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            transformed.add(type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            errors.put(typeName, error);
            if (typeName.equals(ROUTE_SOCKET)) {
                System.err.println("netns-guard: cannot instrument " + typeName + ": " + error);
            }
        }
    }
}
