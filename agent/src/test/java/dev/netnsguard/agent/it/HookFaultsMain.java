package dev.netnsguard.agent.it;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.bootstrap.GuardBridge;
import dev.netnsguard.agent.bootstrap.RuntimeLink;

import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A forked JVM under the agent with a runtime link that breaks on demand (its scope capture, or its
 * swap, throws), as a buggy or mismatched runtime would: the application's executors, pools and sockets
 * must keep working, and the guard must count each failing hook. Prints {@code RESULT} lines.
 */
public final class HookFaultsMain {
    private static volatile String broken = "";
    private static final ThreadLocal<Object> SCOPE = new ThreadLocal<>();

    private HookFaultsMain() {}

    public static void main(String[] args) throws Exception {
        GuardBridge.connect(new RuntimeLink(() -> {
            if (broken.equals("capture")) {
                throw new IllegalStateException("injected: capture");
            }
            return SCOPE.get();
        }, scope -> {
            if (broken.equals("swap")) {
                throw new IllegalStateException("injected: swap");
            }
            Object previous = SCOPE.get();
            SCOPE.set(scope);
            return previous;
        }, scope -> GuardBridge.launchInode()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        ForkJoinPool forkJoin = new ForkJoinPool(2);
        SCOPE.set("a scope expecting the launch namespace");
        for (String fault : new String[] {"capture", "swap"}) {
            for (int round = 1; round <= 2; round++) {
                broken = fault;
                String tag = fault + "." + round;
                Scenario.result("tpe." + tag, pool.submit(() -> "ran").get(10, TimeUnit.SECONDS));
                Scenario.result("stpe." + tag, scheduler.schedule(() -> "ran", 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS));
                Scenario.result("fjp." + tag, forkJoin.submit(() -> "ran").get(10, TimeUnit.SECONDS));
                Scenario.result("async." + tag, CompletableFuture.supplyAsync(() -> "ran", forkJoin).get(10, TimeUnit.SECONDS));
                try (SocketChannel channel = SocketChannel.open()) {
                    Scenario.result("socket." + tag, channel.isOpen() ? "ran" : "closed");
                }
                broken = "";
            }
        }
        pool.shutdown();
        scheduler.shutdown();
        forkJoin.shutdown();
        for (Map.Entry<String, Long> failures : NetnsGuard.hookFailures().entrySet()) {
            Scenario.result("failures." + failures.getKey(), failures.getValue());
        }
        Scenario.result("violations", NetnsGuard.violations());
        Scenario.result("done", "true");
    }
}
