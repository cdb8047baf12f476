package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.withNamespace;

/**
 * The traps of work and threads that leave a scope, for real in a forked JVM:
 * {@code TrapScenario <name>}. Prints {@code RESULT case.<name>=<violations during the case>} and,
 * for the last violation of a case, where it was submitted from.
 */
public final class TrapScenario {
    private TrapScenario() {}

    public static void main(String[] args) throws Throwable {
        switch (args[0]) {
            case "propagation": withNamespace(TrapScenario::propagation); break;
            case "propagation-correct": withNamespace(TrapScenario::propagationCorrect); break;
            case "stray": withNamespace(TrapScenario::stray); break;
            case "dns-cache": withNamespace(TrapScenario::dnsCache); break;
            case "sockets": withNamespace(TrapScenario::sockets); break;
            case "stray-target": withNamespace(TrapScenario::strayTarget); break;
            case "carrier-switch": withNamespace(TrapScenario::carrierSwitch); break;
            case "virtual-correct": withNamespace(TrapScenario::virtualCorrect); break;
            case "dns-uncached":
                // before the first lookup: the security properties (java.security sets the negative one to 10 s)
                java.security.Security.setProperty("networkaddress.cache.ttl", "0");
                java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
                withNamespace(TrapScenario::dnsCache);
                break;
            case "stray-correct": withNamespace(TrapScenario::strayCorrect); break;
            default: throw new IllegalArgumentException(args[0]);
        }
        Scenario.counts();
        result("done", "true");
    }

    interface Case {
        void run() throws Throwable;
    }

    /** Runs one case and records how many violations it caused, and the last one's stacks. */
    static void measure(String name, Case body) {
        long before = NetnsGuard.violations();
        try {
            body.run();
        } catch (Throwable t) {
            result("failed." + name, t.toString().replace('\n', ' '));
        }
        long after = NetnsGuard.violations();
        result("case." + name, after - before);
        if (after > before) {
            List<Violation> recent = NetnsGuard.recentViolations();
            Violation last = recent.get(recent.size() - 1);
            result("kind." + name, last.kind());
            result("detail." + name, last.detail());
            result("virtual." + name, last.virtual());
            result("expected." + name, last.expected());
            result("actual." + name, last.actual());
            result("submittedFrom." + name, last.submittedFrom() == null ? "none"
                    : String.join("|", last.submittedFrom()));
            result("stack." + name, String.join("|", last.stack()));
        }
    }

    static Void openSocket() throws Exception {
        SocketChannel.open().close();
        return null;
    }

    static Runnable socketTask() {
        return () -> {
            try {
                openSocket();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };
    }

    /** Makes a pool's threads exist now, outside any scope: they are born in the launch namespace. */
    static void warm(ExecutorService pool, int threads) throws Exception {
        CountDownLatch all = new CountDownLatch(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                all.countDown();
                all.await();
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    /** Tasks handed to executors from inside ns.run: each opens a socket on a launch-namespace worker. */
    static void propagation(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        ExecutorService tpe = Executors.newFixedThreadPool(1);
        ScheduledExecutorService stpe = Executors.newScheduledThreadPool(1);
        ForkJoinPool fjp = new ForkJoinPool(2);
        try {
            warm(tpe, 1);
            warm(stpe, 1);
            warm(fjp, 2);
            warm(ForkJoinPool.commonPool(), ForkJoinPool.getCommonPoolParallelism());
            result("commonParallelism", ForkJoinPool.getCommonPoolParallelism());

            measure("tpe-execute", () -> ns.run(host -> {
                CountDownLatch done = new CountDownLatch(1);
                tpe.execute(() -> {
                    try {
                        openSocket();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    } finally {
                        done.countDown();
                    }
                });
                done.await();
            }));
            measure("tpe-submit", () -> ns.run(host -> tpe.submit(TrapScenario::openSocket).get()));
            measure("tpe-invokeAll", () -> ns.run(host -> {
                for (Future<Void> f : tpe.invokeAll(List.<Callable<Void>>of(TrapScenario::openSocket, TrapScenario::openSocket))) {
                    f.get();
                }
            }));
            measure("stpe-schedule", () -> ns.run(host -> stpe.schedule(TrapScenario::openSocket, 1, TimeUnit.MILLISECONDS).get()));
            measure("stpe-periodic", () -> ns.run(host -> {
                AtomicInteger runs = new AtomicInteger();
                CountDownLatch three = new CountDownLatch(3);
                ScheduledFuture<?> periodic = stpe.scheduleAtFixedRate(() -> {
                    if (runs.incrementAndGet() <= 3) {
                        socketTask().run();
                        three.countDown();
                    }
                }, 0, 1, TimeUnit.MILLISECONDS);
                three.await();
                periodic.cancel(false);
            }));
            measure("fjp-submit", () -> ns.run(host -> fjp.submit(TrapScenario::openSocket).get()));
            measure("fjp-execute", () -> ns.run(host -> {
                CountDownLatch done = new CountDownLatch(1);
                fjp.execute(() -> {
                    socketTask().run();
                    done.countDown();
                });
                done.await();
            }));
            measure("completable-async", () -> ns.run(host -> CompletableFuture.runAsync(socketTask()).join()));
            AtomicInteger onWorkers = new AtomicInteger();
            measure("parallel-stream", () -> ns.run(host -> IntStream.range(0, 64).parallel().forEach(i -> {
                if (Thread.currentThread() instanceof ForkJoinWorkerThread) {
                    onWorkers.incrementAndGet();
                    socketTask().run();
                }
                sleepQuietly(2);
            })));
            result("parallel-stream.onWorkers", onWorkers.get());
            AtomicInteger forkedOnWorkers = new AtomicInteger();
            measure("fork", () -> ns.run(host -> new Split(0, 16, forkedOnWorkers).fork().join()));
            result("fork.onWorkers", forkedOnWorkers.get());

            // The carried scope does not outlive the task: the worker has no scope afterwards.
            measure("after-tasks", () -> {
                tpe.submit(TrapScenario::openSocket).get();
                stpe.submit(TrapScenario::openSocket).get();
                fjp.submit(TrapScenario::openSocket).get();
                CompletableFuture.runAsync(socketTask()).join();
            });

            // A pool created outside, whose worker is created lazily from inside the scope: it is born in
            // the namespace and inherits the scope, then serves a task submitted from outside any scope.
            ExecutorService lazy = Executors.newFixedThreadPool(1);
            try {
                ns.run(host -> lazy.submit(() -> null).get());
                measure("lazy-worker-serves-outside", () -> lazy.submit(TrapScenario::openSocket).get());
            } finally {
                lazy.shutdownNow();
            }

            // Identity: remove() and shutdownNow() see the application's own task, not the wrapper.
            ThreadPoolExecutor single = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
            try {
                CountDownLatch release = new CountDownLatch(1);
                single.execute(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Runnable queuedA = () -> { };
                Runnable queuedB = () -> { };
                ns.run(host -> {
                    single.execute(queuedA);
                    single.execute(queuedB);
                });
                result("identity.removed", single.remove(queuedA));
                Future<?> cancelled = ns.call(host -> single.submit(() -> { }));
                cancelled.cancel(false);
                single.purge(); // sees the cancelled future through the wrapper
                result("identity.purged", single.getQueue().size() == 1);
                List<Runnable> drained = single.shutdownNow();
                result("identity.drained", drained.size() == 1 && drained.get(0) == queuedB);
                release.countDown();
            } finally {
                single.shutdownNow();
            }
            // afterExecute(r, t) sees a Future for submitted tasks, as ThreadPoolExecutor's javadoc suggests
            List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            ThreadPoolExecutor watching = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>()) {
                @Override
                protected void afterExecute(Runnable r, Throwable t) {
                    seen.add(r instanceof Future<?> ? "future" : "runnable");
                }
            };
            try {
                ns.run(host -> watching.submit(() -> 42).get());
                watching.shutdown();
                watching.awaitTermination(1, TimeUnit.MINUTES);
                result("identity.afterExecute", seen);
            } finally {
                watching.shutdownNow();
            }
        } finally {
            tpe.shutdownNow();
            stpe.shutdownNow();
            fjp.shutdownNow();
        }
    }

    /** Forks halves; leaves open a socket where they run on a worker. */
    static final class Split extends RecursiveAction {
        final int from;
        final int to;
        final AtomicInteger onWorkers;

        Split(int from, int to, AtomicInteger onWorkers) {
            this.from = from;
            this.to = to;
            this.onWorkers = onWorkers;
        }

        @Override
        protected void compute() {
            if (to - from > 1) {
                int mid = (from + to) >>> 1;
                invokeAll(new Split(from, mid, onWorkers), new Split(mid, to, onWorkers));
                return;
            }
            if (Thread.currentThread() instanceof ForkJoinWorkerThread) {
                onWorkers.incrementAndGet();
                socketTask().run();
            }
            sleepQuietly(2);
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        measure("lazy-worker", () -> lazy.submit(TrapScenario::openSocket).get());
        measure("lazy-common-pool", () -> CompletableFuture.runAsync(socketTask()).join());
        lazy.shutdownNow();

        // trap 3: a pooled thread switched raw by a task, then back in the pool
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (NetNS other = NetNS.create()) {
            warm(pool, 1);
            pool.submit(() -> ns.enterCurrentThread()).get();
            measure("raw-switch-then-outside-work", () -> pool.submit(TrapScenario::openSocket).get());
            measure("raw-switch-then-carried-work", () -> other.run(host -> pool.submit(TrapScenario::openSocket).get()));
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

    static Object virtualBuilder() throws Exception {
        try {
            return Thread.class.getMethod("ofVirtual").invoke(null);
        } catch (NoSuchMethodException beforeJava21) {
            return null;
        }
    }

    static Thread startVirtual(Object builder, Runnable task) throws Exception {
        return (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, task);
    }

    /**
     * Trap 5: the JVM-wide InetAddress cache answers a lookup inside one namespace's scope with what
     * was resolved in another. Names come from a hosts file ({@code -Djdk.net.hosts.file}), so nothing
     * leaves the machine. With the security properties {@code networkaddress.cache.ttl=0} and
     * {@code networkaddress.cache.negative.ttl=0} ({@code dns-uncached}) nothing is cached and every case is silent.
     */
    static void dnsCache(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        try (NetNS other = NetNS.create()) {
            result("other.inode", other.inode());
            // positive: resolved in the launch namespace, then looked up inside ns.call
            java.net.InetAddress.getByName("ngtest-ag-service.test");
            measure("positive-from-launch", () -> ns.run(host -> java.net.InetAddress.getByName("ngtest-ag-service.test")));
            // negative: resolved (unknown) inside ns, then looked up inside another namespace's scope
            lookUpQuietly(ns, "ngtest-ag-missing.test");
            measure("negative-from-other", () -> lookUpQuietly(other, "ngtest-ag-missing.test"));
            // correct: resolved inside ns, looked up again inside ns
            lookUpQuietly(ns, "ngtest-ag-mine.test");
            measure("same-namespace", () -> lookUpQuietly(ns, "ngtest-ag-mine.test"));
            // correct: outside scopes the cache is not judged
            measure("outside-scopes", () -> java.net.InetAddress.getByName("ngtest-ag-mine.test"));
        }
    }

    static void lookUpQuietly(NetNS ns, String name) {
        ns.run(host -> {
            try {
                java.net.InetAddress.getByName(name);
            } catch (java.net.UnknownHostException expected) {
                // a negative answer, cached too
            }
        });
    }

    static void connectQuietly(SocketChannel channel, InetSocketAddress to) throws java.io.IOException {
        try {
            channel.connect(to);
        } catch (java.net.ConnectException refused) {
            // the other namespace's loopback has no listener there
        }
    }

    /** Trap 4: sockets that cross scopes (a pooled connection, a channel handed between threads). */
    static void sockets(NetNS ns) throws Throwable {
        result("ns.inode", ns.inode());
        result("launch.inode", NetNS.launch().inode());
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (NetNS other = NetNS.create();
             java.nio.channels.ServerSocketChannel server = ns.openServerSocketChannel()) {
            result("other.inode", other.inode());
            server.bind(new InetSocketAddress(Scenario.LOOPBACK, 0));
            InetSocketAddress service = (InetSocketAddress) server.getLocalAddress();
            warm(pool, 1);
            // a connection "pool" filled at start-up, in the launch namespace, used inside ns.call
            java.util.ArrayDeque<SocketChannel> connections = new java.util.ArrayDeque<>();
            connections.add(SocketChannel.open());
            measure("pooled-connection", () -> ns.run(host -> {
                try (SocketChannel c = connections.poll()) {
                    connectQuietly(c, service);
                }
            }));
            // a channel born in ns, handed to a thread that binds it inside another namespace's scope
            SocketChannel bornInNs = ns.call(host -> SocketChannel.open());
            measure("handed-channel", () -> {
                Thread t = new Thread(() -> other.run(host -> {
                    try {
                        bornInNs.bind(new InetSocketAddress(Scenario.LOOPBACK, 0));
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
                t.start();
                t.join();
            });
            bornInNs.close();
            // a launch-born channel handed to a task submitted from inside ns.call: both stacks
            SocketChannel launchBorn = SocketChannel.open();
            measure("channel-into-carried-task", () -> ns.run(host -> pool.submit(() -> {
                connectQuietly(launchBorn, service);
                return null;
            }).get()));
            launchBorn.close();

            // correct: born in ns on purpose, used outside scopes, on pool threads, and inside ns's scope
            measure("born-in-ns-used-anywhere", () -> {
                try (SocketChannel c = ns.openSocketChannel()) {
                    pool.submit(() -> {
                        c.connect(service);
                        return null;
                    }).get();
                    server.accept().close();
                }
                try (SocketChannel c = ns.openSocketChannel()) {
                    ns.run(host -> pool.submit(() -> {
                        c.connect(service);
                        return null;
                    }).get());
                    server.accept().close();
                }
                try (SocketChannel c = ns.openSocketChannel()) {
                    Thread t = new Thread(() -> ns.run(host -> {
                        try {
                            c.connect(service);
                        } catch (java.io.IOException e) {
                            throw new RuntimeException(e);
                        }
                    }));
                    t.start();
                    t.join();
                    server.accept().close();
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /** Trap 6: a correct program with virtual threads (JDK 21+) is never reported. */
    static void virtualCorrect(NetNS ns) throws Throwable {
        Object builder = virtualBuilder();
        if (builder == null) {
            result("virtual", "unsupported");
            return;
        }
        try (java.nio.channels.ServerSocketChannel server = ns.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(Scenario.LOOPBACK, 0));
            InetSocketAddress service = (InetSocketAddress) server.getLocalAddress();
            measure("virtual-threads", () -> {
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    threads.add(startVirtual(builder, () -> {
                        try {
                            if (n % 3 == 0) {
                                socketTask().run();                                  // outside scopes, launch
                                java.net.InetAddress.getByName("localhost");
                            } else if (n % 3 == 1) {
                                ns.call(host -> openSocket());                       // inside ns, on its thread
                            } else {
                                try (SocketChannel c = ns.openSocketChannel()) {      // born in ns, used here
                                    c.connect(service);
                                }
                                server.accept().close();
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
            });
            // virtual threads submitting work from inside scopes to a per-task executor and the common pool
            measure("virtual-executor", () -> {
                ExecutorService perTask = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
                try {
                    perTask.submit(() -> ns.call(host -> openSocket())).get();
                    perTask.submit(TrapScenario::openSocket).get();
                } finally {
                    perTask.shutdown();
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

    /** The mirror of {@link #stray}: pools and carriers born in the namespace that only serve it. */
    static void strayCorrect(NetNS ns) throws Throwable {
        ExecutorService lazy = Executors.newFixedThreadPool(1);
        try {
            ns.run(host -> lazy.submit(() -> null).get()); // born in the namespace ...
            measure("lazy-worker-serving-its-scope", () -> ns.run(host -> lazy.submit(TrapScenario::openSocket).get()));
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

    /** The correct patterns: nothing is reported. */
    static void propagationCorrect(NetNS ns) throws Throwable {
        ExecutorService tpe = Executors.newFixedThreadPool(2);
        ScheduledExecutorService stpe = Executors.newScheduledThreadPool(1);
        ForkJoinPool fjp = new ForkJoinPool(2);
        ExecutorService nsPool = ns.newExecutor(1);
        try (NetNS other = NetNS.create()) {
            // pool threads created from inside a scope would be born in the namespace (trap 2): create them first
            warm(tpe, 2);
            warm(stpe, 1);
            warm(fjp, 2);
            warm(ForkJoinPool.commonPool(), ForkJoinPool.getCommonPoolParallelism());
            // tasks submitted from inside the scope that enter the namespace themselves
            measure("tasks-call-inside", () -> ns.run(host -> {
                tpe.submit(() -> ns.call(h -> openSocket())).get();
                stpe.schedule(() -> ns.call(h -> openSocket()), 1, TimeUnit.MILLISECONDS).get();
                fjp.submit(() -> ns.call(h -> openSocket())).get();
                CompletableFuture.supplyAsync(() -> ns.call(h -> {
                    try {
                        return openSocket();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                })).join();
            }));
            // work outside scopes, on the same pools, with and without scoped work in between
            measure("outside-scopes", () -> {
                tpe.submit(TrapScenario::openSocket).get();
                stpe.schedule(TrapScenario::openSocket, 1, TimeUnit.MILLISECONDS).get();
                fjp.submit(TrapScenario::openSocket).get();
                CompletableFuture.runAsync(socketTask()).join();
                IntStream.range(0, 32).parallel().forEach(i -> socketTask().run());
            });
            // tasks with no network work submitted inside a scope
            measure("no-network", () -> ns.run(host -> {
                tpe.submit(() -> 1 + 1).get();
                IntStream.range(0, 32).parallel().sum();
            }));
            // the namespace's own executor, from outside and from inside another namespace's scope
            measure("namespace-executor", () -> {
                nsPool.submit(TrapScenario::openSocket).get();
                other.run(host -> nsPool.submit(TrapScenario::openSocket).get());
            });
            // a thread started inside the scope inherits namespace and scope
            measure("thread-start", () -> ns.run(host -> {
                Thread child = new Thread(socketTask());
                child.start();
                child.join();
            }));
            // a socket born in the namespace, handed to a pool thread and used outside any scope
            measure("born-socket-on-pool", () -> {
                try (SocketChannel born = ns.openSocketChannel()) {
                    tpe.submit(() -> born.bind(new InetSocketAddress(Scenario.LOOPBACK, 0))).get();
                }
            });
        } finally {
            tpe.shutdownNow();
            stpe.shutdownNow();
            fjp.shutdownNow();
            nsPool.shutdownNow();
        }
    }
}
