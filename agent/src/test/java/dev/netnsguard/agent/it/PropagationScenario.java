package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
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

import static dev.netnsguard.agent.it.Scenario.LOOPBACK;
import static dev.netnsguard.agent.it.Scenario.measure;
import static dev.netnsguard.agent.it.Scenario.openSocket;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.socketTask;
import static dev.netnsguard.agent.it.Scenario.trap;
import static dev.netnsguard.agent.it.Scenario.warm;

/**
 * What {@link PropagationIT} forks: {@code PropagationScenario <program>}, trap 1 (work handed to
 * executors from inside a scope) and its correct mirror. Prints {@code RESULT case.<name>=<violations
 * during the case>} and, for the last violation of a case, where it was submitted from.
 */
public final class PropagationScenario {
    private PropagationScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "propagation", trap(PropagationScenario::propagation),
                "propagation-correct", trap(PropagationScenario::propagationCorrect)));
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
            measure("tpe-submit", () -> ns.run(host -> tpe.submit(Scenario::openSocket).get()));
            measure("tpe-invokeAll", () -> ns.run(host -> {
                for (Future<Void> f : tpe.invokeAll(List.<Callable<Void>>of(Scenario::openSocket, Scenario::openSocket))) {
                    f.get();
                }
            }));
            measure("stpe-schedule", () -> ns.run(host -> stpe.schedule(Scenario::openSocket, 1, TimeUnit.MILLISECONDS).get()));
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
            measure("fjp-submit", () -> ns.run(host -> fjp.submit(Scenario::openSocket).get()));
            measure("fjp-execute", () -> ns.run(host -> {
                CountDownLatch done = new CountDownLatch(1);
                fjp.execute(() -> {
                    socketTask().run();
                    done.countDown();
                });
                done.await();
            }));
            measure("completable-async", () -> ns.run(host -> CompletableFuture.runAsync(socketTask()).join()));
            WorkerSockets streamed = new WorkerSockets();
            measure("parallel-stream", () -> ns.run(host -> IntStream.range(0, 64).parallel().forEach(i -> {
                streamed.openIfOnWorker();
                sleepQuietly(2);
            })));
            streamed.results("parallel-stream");
            WorkerSockets forked = new WorkerSockets();
            measure("fork", () -> ns.run(host -> new Split(0, 16, forked).fork().join()));
            forked.results("fork");

            // The carried scope does not outlive the task: the worker has no scope afterwards.
            measure("after-tasks", () -> {
                tpe.submit(Scenario::openSocket).get();
                stpe.submit(Scenario::openSocket).get();
                fjp.submit(Scenario::openSocket).get();
                CompletableFuture.runAsync(socketTask()).join();
            });

            // A pool created outside, whose worker is created lazily from inside the scope: it is born in
            // the namespace and inherits the scope, then serves a task submitted from outside any scope.
            ExecutorService lazy = Executors.newFixedThreadPool(1);
            try {
                ns.run(host -> lazy.submit(() -> null).get());
                measure("lazy-worker-serves-outside", () -> lazy.submit(Scenario::openSocket).get());
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
                tpe.submit(Scenario::openSocket).get();
                stpe.schedule(Scenario::openSocket, 1, TimeUnit.MILLISECONDS).get();
                fjp.submit(Scenario::openSocket).get();
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
                nsPool.submit(Scenario::openSocket).get();
                other.run(host -> nsPool.submit(Scenario::openSocket).get());
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
                    tpe.submit(() -> born.bind(new InetSocketAddress(LOOPBACK, 0))).get();
                }
            });
        } finally {
            tpe.shutdownNow();
            stpe.shutdownNow();
            fjp.shutdownNow();
            nsPool.shutdownNow();
        }
    }

    /** Forks halves; leaves open a socket where they run on a worker. */
    /**
     * Sockets opened by tasks that ran on ForkJoin workers, counted by where the worker really is (read from
     * /proc, not asked of the guard): one in the launch namespace carrying the scope is a violation, one that
     * the pool started from the namespace thread (work-stealing pools add workers on demand) is born in the
     * namespace, and its socket is where the scope expects.
     */
    static final class WorkerSockets {
        final AtomicInteger inLaunch = new AtomicInteger();
        final AtomicInteger inNamespace = new AtomicInteger();

        void openIfOnWorker() {
            if (Thread.currentThread() instanceof ForkJoinWorkerThread) {
                (Scenario.inLaunchNamespace() ? inLaunch : inNamespace).incrementAndGet();
                socketTask().run();
            }
        }

        void results(String name) {
            result(name + ".onLaunchWorkers", inLaunch.get());
            result(name + ".onNamespaceWorkers", inNamespace.get());
        }
    }

    static final class Split extends RecursiveAction {
        final int from;
        final int to;
        final WorkerSockets sockets;

        Split(int from, int to, WorkerSockets sockets) {
            this.from = from;
            this.to = to;
            this.sockets = sockets;
        }

        @Override
        protected void compute() {
            if (to - from > 1) {
                int mid = (from + to) >>> 1;
                invokeAll(new Split(from, mid, sockets), new Split(mid, to, sockets));
                return;
            }
            sockets.openIfOnWorker();
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
}
