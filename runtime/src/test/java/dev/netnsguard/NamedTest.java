package dev.netnsguard;

import dev.netnsguard.testing.Commands;
import dev.netnsguard.testing.TestNamespaces;
import dev.netnsguard.testing.Threads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named and anonymous creation, checked against iproute2 ({@code ip netns}) as the oracle. */
class NamedTest {
    @RegisterExtension
    final TestNamespaces namespaces = new TestNamespaces();

    private static List<String> ipNetnsList() {
        List<String> names = new ArrayList<>();
        for (String line : Commands.run("ip", "netns", "list").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.split(" ")[0]);
            }
        }
        return names;
    }

    /** The namespace {@code ip netns exec NAME} runs a command in, by inode. */
    private static long inodeSeenByIp(String name) {
        String link = Commands.run("ip", "netns", "exec", name, "readlink", "/proc/self/ns/net").strip();
        return Long.parseLong(link.substring("net:[".length(), link.length() - 1));
    }

    @Test
    void createNamedIsSeenByIpNetnsListAndExec() {
        String name = namespaces.newName();
        try (NetNS ns = NetNS.createNamed(name)) {
            assertTrue(ipNetnsList().contains(name));
            assertTrue(NetNS.listNamed().contains(name));
            assertEquals(ns.inode(), inodeSeenByIp(name));
            long inside = ns.call(host -> Threads.inode());
            assertEquals(ns.inode(), inside);
        }
    }

    @Test
    void openNamedOpensWhatIpNetnsAddCreated() {
        String name = namespaces.addWithIproute2();
        try (NetNS ns = NetNS.openNamed(name)) {
            assertEquals(ns.inode(), inodeSeenByIp(name));
            assertEquals(name, ns.name().orElseThrow());
        }
    }

    @Test
    void deleteNamedRemovesItForIpToo() {
        String name = namespaces.newName();
        NetNS.createNamed(name).close();
        NetNS.deleteNamed(name);
        assertFalse(ipNetnsList().contains(name));
        assertFalse(NetNS.listNamed().contains(name));
        assertFalse(Files.exists(Path.of(RunDir.PATH, name)));
        assertThrows(NoSuchNetNSException.class, () -> NetNS.deleteNamed(name));
    }

    @Test
    void deleteNamedRemovesWhatIpCreated() {
        String name = namespaces.addWithIproute2();
        NetNS.deleteNamed(name);
        assertFalse(ipNetnsList().contains(name));
    }

    @Test
    void aHandleKeepsADeletedNamespaceUsable() {
        String name = namespaces.newName();
        try (NetNS ns = NetNS.createNamed(name)) {
            NetNS.deleteNamed(name);
            long inside = ns.call(host -> Threads.inode());
            assertEquals(ns.inode(), inside);
        }
    }

    @Test
    void aDuplicateNameChangesNothing() {
        String name = namespaces.newName();
        try (NetNS first = NetNS.createNamed(name)) {
            NetNSExistsException e = assertThrows(NetNSExistsException.class, () -> NetNS.createNamed(name));
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertEquals("EEXIST", e.errnoName());
            try (NetNS again = NetNS.openNamed(name)) {
                assertEquals(first, again, "the existing namespace must be untouched");
            }
        }
        String byIp = namespaces.addWithIproute2();
        long inode = Long.parseLong(Commands.run("stat", "-L", "-c", "%i", RunDir.PATH + "/" + byIp).strip());
        assertThrows(NetNSExistsException.class, () -> NetNS.createNamed(byIp));
        try (NetNS again = NetNS.openNamed(byIp)) {
            assertEquals(inode, again.inode());
        }
    }

    @Test
    void concurrentCreatorsOfOneNameGetExactlyOneNamespace() throws Exception {
        String name = namespaces.newName();
        int creators = 8;
        ExecutorService pool = Executors.newFixedThreadPool(creators);
        try {
            CyclicBarrier start = new CyclicBarrier(creators);
            List<Future<NetNS>> results = new ArrayList<>();
            for (int i = 0; i < creators; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return NetNS.createNamed(name);
                    } catch (NetNSExistsException lost) {
                        return null;
                    }
                }));
            }
            int winners = 0;
            for (Future<NetNS> result : results) {
                NetNS ns = result.get();
                if (ns != null) {
                    winners++;
                    ns.close();
                }
            }
            assertEquals(1, winners);
            assertEquals(1, ipNetnsList().stream().filter(name::equals).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createLeavesTheCallerUntouchedAndMakesADistinctNamespace() throws Exception {
        long before = Threads.inode();
        try (NetNS a = NetNS.create(); NetNS b = NetNS.create()) {
            assertEquals(before, Threads.inode());
            assertNotEquals(NetNS.launch(), a);
            assertNotEquals(a, b);
            assertTrue(a.name().isEmpty());
            assertTrue(a.path().isEmpty());
            String links = a.call(host -> Files.readString(Path.of("/proc/self/task")
                    .resolve(String.valueOf(dev.netnsguard.internal.linux.Syscalls.gettid())).resolve("net/dev")));
            List<String> names = Arrays.stream(links.split("\n")).skip(2)
                    .map(l -> l.strip().split(":")[0]).toList();
            assertEquals(List.of("lo"), names, "a new namespace has only a loopback link");
        }
    }

    @Test
    void createNamedLeavesTheCallerUntouched() {
        long before = Threads.inode();
        String name = namespaces.newName();
        try (NetNS ns = NetNS.createNamed(name)) {
            assertEquals(before, Threads.inode());
            assertNotEquals(before, ns.inode());
        }
    }

    @Test
    void aNamespaceCreatedFromInsideAnotherIsNewAndTheCreatorGoesHome() {
        try (NetNS outer = NetNS.create()) {
            long[] made = outer.call(host -> {
                try (NetNS inner = NetNS.create()) {
                    return new long[] {Threads.inode(), inner.inode()};
                }
            });
            assertEquals(outer.inode(), made[0], "the body's thread stays where it was");
            assertNotEquals(outer.inode(), made[1]);
            assertNotEquals(NetNS.launch().inode(), made[1]);
            List<ThreadNetNS> creators = NetNS.auditThreads().stream()
                    .filter(t -> t.osName().equals("netns-guard-cre")).toList();
            assertEquals(1, creators.size(), "one creator thread: " + creators);
            assertTrue(creators.get(0).inLaunchNamespace(), "the creator is back home: " + creators);
        }
    }
}
