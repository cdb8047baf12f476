package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.netnsguard.agent.it.Scenario.LOOPBACK;
import static dev.netnsguard.agent.it.Scenario.attempt;
import static dev.netnsguard.agent.it.Scenario.counts;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.withNamespace;

/**
 * What {@link AttachAndCommandsIT} forks: {@code AttachAndCommandsScenario <program>}. Targets for the
 * attach and threads commands, a programmatic install, and a second agent next to this one.
 */
public final class AttachAndCommandsScenario {
    private AttachAndCommandsScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "attach-target", () -> withNamespace(AttachAndCommandsScenario::attachTarget),
                "threads-target", () -> withNamespace(AttachAndCommandsScenario::threadsTarget),
                "programmatic", () -> withNamespace(AttachAndCommandsScenario::programmatic),
                "coexist", AttachAndCommandsScenario::coexist));
    }

    /** Waits for a line on stdin (the test attaches the agent meanwhile), then misuses a socket in a scope. */
    static void attachTarget(NetNS ns) throws Throwable {
        // The runtime is loaded and its scopes used before the agent attaches.
        ns.run(host -> SocketChannel.open().close());
        result("ready", ProcessHandle.current().pid());
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        // Sockets created before the agent attached have no recorded birth namespace; this one is new.
        ServerSocketChannel server = ServerSocketChannel.open(); // born in the launch namespace
        ns.run(host -> attempt("bind", () -> server.bind(new InetSocketAddress(LOOPBACK, 0))));
        server.close();
        result("installed", NetnsGuard.isInstalled());
        counts();
    }

    /** A thread switched into {@code ns} for the threads command to find, until a line on stdin. */
    static void threadsTarget(NetNS ns) throws Throwable {
        Thread switched = new Thread(() -> {
            ns.enterCurrentThread();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException done) {
                // released by the test
            }
        }, "ngtest-switched-thread-long-name");
        switched.setDaemon(true);
        switched.start();
        while (switched.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(10);
        }
        result("ns.name", ns.name().orElseThrow());
        result("ready", ProcessHandle.current().pid());
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        switched.interrupt();
        switched.join();
    }

    /** Installs the agent from the application, strict, then changes its mode. */
    static void programmatic(NetNS ns) throws Throwable {
        result("before", NetnsGuard.isInstalled());
        NetnsGuard.install("mode=strict");
        result("after", NetnsGuard.isInstalled());
        result("mode", NetnsGuard.mode());
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            ns.run(host -> attempt("bind", () -> server.bind(new InetSocketAddress(LOOPBACK, 0))));
        }
        NetnsGuard.install("mode=report");
        result("mode.later", NetnsGuard.mode());
        counts();
    }

    /** The application's own (unshaded) ByteBuddy next to the agent's shaded one, with a second agent attached. */
    static void coexist() throws Throwable {
        Class<?> generated = new net.bytebuddy.ByteBuddy().subclass(Object.class).name("ngtest.Generated")
                .make().load(AttachAndCommandsScenario.class.getClassLoader()).getLoaded();
        result("generated", generated.getName());
        result("secondAgent", net.bytebuddy.agent.Installer.getInstrumentation() != null);
        withNamespace(EntryPointsScenario::misuse);
    }
}
