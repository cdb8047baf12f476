package dev.netnsguard.agent;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import dev.netnsguard.agent.bootstrap.Judge;
import dev.netnsguard.agent.bootstrap.RuntimeLink;
import dev.netnsguard.agent.bootstrap.ViolationKind;
import dev.netnsguard.agent.instrumentation.GuardTransformer;
import dev.netnsguard.agent.instrumentation.Instrumentations;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proves, a second after install and on a daemon thread of its own (off the application's start-up
 * path), that the hooks fire: the thread opens a socket and looks up {@code localhost} inside a scope of
 * an impossible namespace, through a runtime link of its own, while a judge that counts the self-test
 * thread's mismatches (and hands every other thread's to the real judge) stands in, as BlockHound swaps
 * its consumer. The checks run exactly as for the application. If a hook did not fire, the guard says
 * why on stderr and switches itself off.
 */
final class SelfTest implements Runnable {
    /** The self-test waits this long after install, so it never competes with the application's startup. */
    static final long DELAY_MILLIS = 1000;
    /** No namespace has this inode. */
    private static final long IMPOSSIBLE = -2;

    /** The scope of the self-test's link: a class of the agent's loader, as a runtime's scope is of the runtime's. */
    private static final class ImpossibleScope {
        @Override
        public String toString() {
            return "the self-test's impossible namespace";
        }
    }

    private final GuardTransformer transformer;
    private volatile String status = "running";

    private SelfTest(GuardTransformer transformer) {
        this.transformer = transformer;
    }

    static SelfTest start(GuardTransformer transformer) {
        SelfTest test = new SelfTest(transformer);
        Thread thread = new Thread(test, "netns-guard-self-test");
        thread.setDaemon(true);
        thread.start();
        return test;
    }

    /** "running", "passed", "off" (interrupted) or "failed: why". */
    String status() {
        return status;
    }

    /** The self-test thread's body (a class of its own, not a lambda: premain spins none). */
    @Override
    public void run() {
        try {
            Thread.sleep(DELAY_MILLIS);
        } catch (InterruptedException e) {
            status = "off";
            return;
        }
        String failure;
        try {
            failure = check();
        } catch (Throwable e) {
            failure = e.toString();
        }
        if (failure == null) {
            status = "passed";
            return;
        }
        status = "failed: " + failure;
        Installer.switchOff();
        System.err.println("netns-guard: self-test failed, the guard is switched off: " + failure);
    }

    /** Proves that the hooks fire; returns what failed, or null. */
    private String check() {
        List<String> problems = new ArrayList<>();
        Map<ViolationKind, Integer> hits = new EnumMap<>(ViolationKind.class);
        Thread self = Thread.currentThread();
        Judge real = Installer.judge();
        ThreadLocal<Object> scope = new ThreadLocal<>();
        RuntimeLink link = new RuntimeLink(scope::get, s -> {
            Object previous = scope.get();
            scope.set(s);
            return previous;
        }, s -> IMPOSSIBLE);
        Judge counting = new Judge() {
            @Override
            public Error mismatch(ViolationKind kind, long expected, long actual, Object sc, Object detail, boolean ofThread) {
                if (Thread.currentThread() == self && expected == IMPOSSIBLE) {
                    hits.merge(kind, 1, Integer::sum);
                    return null;
                }
                return real.mismatch(kind, expected, actual, sc, detail, ofThread);
            }

            @Override
            public void resolved(String host, long inode) {
                real.resolved(host, inode);
            }

            @Override
            public Error cacheAnswered(String host, long expected, Object sc) {
                return Thread.currentThread() == self ? null : real.cacheAnswered(host, expected, sc);
            }

            @Override
            public void hookFailed(String hook, Throwable failure) {
                real.hookFailed(hook, failure);
            }
        };
        Config config = Installer.config();
        GuardBridge.configure(GuardBridge.launchInode(), config.expectAnyOutsideScope(), config.recheckEvery(), counting);
        GuardBridge.connect(link);
        scope.set(new ImpossibleScope());
        try {
            Class.forName("sun.nio.ch.DatagramChannelImpl", false, null);
            Class.forName("java.lang.ProcessImpl", false, null);
            SocketChannel.open().close();
            InetAddress.getByName("localhost");
        } catch (Exception e) {
            problems.add("self-test operation failed: " + e);
        } finally {
            scope.remove();
            GuardBridge.disconnect(link);
            Config now = Installer.config();
            GuardBridge.configure(GuardBridge.launchInode(), now.expectAnyOutsideScope(), now.recheckEvery(), real);
        }
        if (!hits.containsKey(ViolationKind.SOCKET_OPEN)) {
            problems.add("the socket hook did not fire");
        }
        if (!hits.containsKey(ViolationKind.DNS_LOOKUP)) {
            problems.add("the name lookup hook did not fire");
        }
        Set<String> done = transformer.transformed();
        Map<String, Throwable> errors = transformer.errors();
        for (String type : Instrumentations.required()) {
            if (!done.contains(type)) {
                Throwable error = errors.get(type);
                problems.add(type + " was not instrumented" + (error == null ? "" : ": " + error));
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
