package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

import static dev.netnsguard.agent.it.Scenario.measure;
import static dev.netnsguard.agent.it.Scenario.openSocket;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.socketTask;
import static dev.netnsguard.agent.it.Scenario.startVirtual;
import static dev.netnsguard.agent.it.Scenario.trap;
import static dev.netnsguard.agent.it.Scenario.virtualBuilder;
import static dev.netnsguard.agent.it.Scenario.warm;

/**
 * What {@link StrayThreadIT} forks: {@code StrayThreadScenario <program>}, traps 2 and 3 (threads
 * that inherited or kept a namespace), their correct mirror, and a target for the threads command.
 */
public final class StrayThreadScenario {
    private StrayThreadScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "stray", trap(StrayThreadScenario::stray),
                "stray-correct", trap(StrayThreadScenario::strayCorrect),
                "carrier-switch", trap(StrayThreadScenario::carrierSwitch),
                "stray-target", trap(StrayThreadScenario::strayTarget)));
    }

    /** Trap 2 and 3: threads that inherited or kept a namespace and serve other code. */
    static void stray(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        // a ThreadPoolExecutor worker created lazily from inside the scope, then serving work from outside
        ExecutorService lazy = Executors.newFixedThreadPool(1);
        // the common pool's workers, all created from inside the scope
        int common = ForkJoinPool.getCommonPoolParallelism();
        ns.run(host -> {
            lazy.submit(() -> null).get();
            warm(ForkJoinPool.commonPool(), common);
        });
        measure("lazy-worker", () -> lazy.submit(Scenario::openSocket).get());
        measure("lazy-common-pool", () -> CompletableFuture.runAsync(socketTask()).join());
        lazy.shutdownNow();

        // trap 3: a pooled thread switched raw by a task, then back in the pool
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (NetNS other = NetNS.create()) {
            warm(pool, 1);
            pool.submit(() -> ns.enterCurrentThread()).get();
            measure("raw-switch-then-outside-work", () -> pool.submit(Scenario::openSocket).get());
            measure("raw-switch-then-carried-work", () -> other.run(host -> pool.submit(Scenario::openSocket).get()));
            result("other.inode", other.inode());
        } finally {
            pool.shutdownNow();
        }

        // a virtual-thread carrier created lazily from inside the scope (JDK 21+)
        Object builder = virtualBuilder();
        if (builder == null) {
            result("virtual", "unsupported");
            return;
        }
        ns.run(host -> startVirtual(builder, () -> { }).join());
        measure("stray-carrier", () -> startVirtual(builder, socketTask()).join());
    }

    /** The mirror of {@link #stray}: pools and carriers born in the namespace that only serve it. */
    static void strayCorrect(NetNS ns) throws Throwable {
        ExecutorService lazy = Executors.newFixedThreadPool(1);
        try {
            ns.run(host -> lazy.submit(() -> null).get()); // born in the namespace ...
            measure("lazy-worker-serving-its-scope", () -> ns.run(host -> lazy.submit(Scenario::openSocket).get()));
            measure("lazy-worker-no-network", () -> lazy.submit(() -> 1 + 1).get());
        } finally {
            lazy.shutdownNow();
        }
        // a raw switch on a thread of its own, never pooled, and the threads it starts
        measure("raw-switch-own-thread", () -> {
            Thread own = new Thread(() -> {
                ns.enterCurrentThread();
                socketTask().run();
                Thread child = new Thread(socketTask());
                child.start();
                try {
                    child.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ngtest-switched");
            own.start();
            own.join();
        });
        // virtual threads outside scopes, carriers born outside scopes
        Object builder = virtualBuilder();
        if (builder != null) {
            measure("virtual-outside", () -> {
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    threads.add(startVirtual(builder, socketTask()));
                }
                for (Thread t : threads) {
                    t.join();
                }
            });
        }
    }

    /**
     * Trap 3 under virtual threads (JDK 21+, one carrier): native code switches the carrier under a
     * virtual thread; the next virtual thread, outside any scope, runs in that namespace.
     */
    static void carrierSwitch(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        Object builder = virtualBuilder();
        if (builder == null) {
            result("virtual", "unsupported");
            return;
        }
        measure("before-switch", () -> startVirtual(builder, socketTask()).join());
        startVirtual(builder, () -> dev.netnsguard.internal.linux.Syscalls.setNetNS(ns.fd())).join();
        measure("after-switch", () -> startVirtual(builder, socketTask()).join());
    }

    /** A pool worker born inside the scope stays alive while the test runs the threads command. */
    static void strayTarget(NetNS ns) throws Throwable {
        ExecutorService lazy = Executors.newFixedThreadPool(1);
        try {
            ns.run(host -> lazy.submit(() -> null).get());
            result("ns.name", ns.name().orElseThrow());
            for (dev.netnsguard.ThreadNetNS thread : NetNS.auditThreads()) {
                if (thread.thread().map(Thread::getName).orElse("").equals("pool-1-thread-1")) {
                    thread.birth().ifPresent(b -> result("birth",
                            "[" + b.inode() + ", " + b.insideScope() + ", " + b.creator() + "]"));
                }
            }
            result("ready", ProcessHandle.current().pid());
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        } finally {
            lazy.shutdownNow();
        }
    }
}
