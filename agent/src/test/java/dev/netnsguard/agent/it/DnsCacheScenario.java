package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;

import java.util.Map;

import static dev.netnsguard.agent.it.Scenario.measure;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.trap;

/**
 * What {@link DnsCacheIT} forks: {@code DnsCacheScenario <program>}, trap 5 (the JVM-wide InetAddress
 * cache), with the cache and without it.
 */
public final class DnsCacheScenario {
    private DnsCacheScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "dns-cache", trap(DnsCacheScenario::dnsCache),
                "dns-uncached", () -> {
                    // before the first lookup: the security properties (java.security sets the negative one to 10 s)
                    java.security.Security.setProperty("networkaddress.cache.ttl", "0");
                    java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
                    trap(DnsCacheScenario::dnsCache).run();
                }));
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
}
