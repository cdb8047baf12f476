package dev.netnsguard.dns;

import dev.netnsguard.NetNS;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NetNSResolver}, the API that works on JDK 17 too, against a real dnsmasq inside a named
 * namespace, called from the test's own thread: in the launch namespace, outside any scope.
 */
class ExplicitResolverTest {
    private static DnsNamespace dns;

    @BeforeAll
    static void start() throws Exception {
        dns = DnsNamespace.start();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @AfterEach
    void noHostsFile() throws Exception {
        dns.deleteHosts();
    }

    @Test
    void theNameExistsOnlyInsideTheNamespace() {
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName(DnsNamespace.NAME),
                "outside any scope the name must not resolve, or the tests below would prove nothing");
        assertThrows(UnknownHostException.class, () -> NetNSResolver.ofScope().lookup(DnsNamespace.NAME));
    }

    @Test
    void resolvesFromOutsideWithSocketsBornInside() throws Exception {
        // This thread is in the launch namespace, where nothing listens on 127.0.0.1:53: only a
        // query from a socket born inside the namespace reaches its dnsmasq.
        List<InetAddress> found = NetNSResolver.of(dns.name).lookup(DnsNamespace.NAME);
        assertEquals(List.of(InetAddress.getByName(DnsNamespace.ADDRESS)), found);
        assertEquals(DnsNamespace.NAME, found.get(0).getHostName());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpFromInside() throws Exception {
        // 100 A records do not fit the UDP answer: dnsjava retries over TCP, on a channel that must be
        // born inside the namespace too, or the retry reaches nothing.
        assertEquals(DnsNamespace.MANY_COUNT, NetNSResolver.of(dns.name).lookup(DnsNamespace.MANY).size());
    }

    @Test
    void followsTheScopeInsideCall() throws Exception {
        List<InetAddress> found = dns.ns.call(host -> NetNSResolver.ofScope().lookup(DnsNamespace.NAME));
        assertEquals(List.of(InetAddress.getByName(DnsNamespace.ADDRESS)), found);
    }

    @Test
    void reverseLookupAsksTheNamespacesNameserver() throws Exception {
        assertEquals(DnsNamespace.NAME, NetNSResolver.of(dns.name).reverse(InetAddress.getByName(DnsNamespace.ADDRESS)));
    }

    @Test
    void theNamespacesHostsFileWinsInsideAndIsIgnoredOutside() throws Exception {
        dns.writeHosts("198.51.100.9 " + DnsNamespace.NAME + " hosts-only.test\n");
        NetNSResolver inside = NetNSResolver.of(dns.name);
        assertEquals(List.of(InetAddress.getByName("198.51.100.9")), inside.lookup(DnsNamespace.NAME));
        assertEquals(List.of(InetAddress.getByName("198.51.100.9")), inside.lookup("hosts-only.test"));
        assertEquals(DnsNamespace.NAME, inside.reverse(InetAddress.getByName("198.51.100.9")));
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName("hosts-only.test"));
        assertThrows(UnknownHostException.class, () -> NetNSResolver.ofScope().lookup("hosts-only.test"));
    }

    @Test
    void aNameTheNamespaceDoesNotKnowFailsWithTheFilesUsed() {
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> NetNSResolver.of(dns.name).lookup("not-served.test"));
        assertTrue(e.getMessage().contains(dns.name) && e.getMessage().contains("resolv.conf"), e.getMessage());
    }

    @Test
    void okHttpReachesTheServerInsideThroughTheResolver() throws Exception {
        NetNSResolver resolver = NetNSResolver.of(dns.name);
        try (InsideServer server = new InsideServer(dns.ns)) {
            OkHttpClient client = new OkHttpClient.Builder()
                    .dns(hostname -> Sneaky.lookup(resolver, hostname))
                    .socketFactory(dns.ns.socketFactory())
                    .build();
            try (Response response = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
                assertEquals("inside", response.body().string());
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
        }
    }

    @Test
    void badNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> NetNSResolver.of(""));
        assertThrows(IllegalArgumentException.class, () -> NetNSResolver.of("../etc"));
    }

    @Test
    void saysPlainlyWhetherInetAddressFollowsNamespaces() {
        if (Runtime.version().feature() < 18) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    NetNSResolver::requireInetAddressIntegration);
            assertTrue(e.getMessage().contains("JEP 418") && e.getMessage().contains("NetNSResolver"), e.getMessage());
        } else {
            NetNSResolver.requireInetAddressIntegration();
        }
    }

    /** OkHttp's Dns is a Kotlin interface, which declares no checked exception; OkHttp expects UnknownHostException. */
    static final class Sneaky {
        static List<InetAddress> lookup(NetNSResolver resolver, String host) {
            try {
                return resolver.lookup(host);
            } catch (UnknownHostException e) {
                throw Sneaky.<RuntimeException>rethrow(e);
            }
        }

        @SuppressWarnings("unchecked")
        private static <X extends Throwable> X rethrow(Throwable t) throws X {
            throw (X) t;
        }
    }
}
