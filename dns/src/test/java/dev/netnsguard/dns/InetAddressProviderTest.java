package dev.netnsguard.dns;

import dev.netnsguard.NetNS;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code InetAddress} itself, through this module's resolver provider (JDK 18+): the jar is on the
 * class path of this JVM, nothing else is configured. Real dnsmasq inside a named namespace.
 */
@EnabledForJreRange(min = JRE.JAVA_18, disabledReason = "JDK 17 has no InetAddress resolver SPI (JEP 418, JDK 18+)")
class InetAddressProviderTest {
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
    void insideCallTheNameResolvesToTheNamespacesAnswerAndOutsideNot() throws Exception {
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName(DnsNamespace.NAME));
        InetAddress[] inside = dns.ns.call(host -> InetAddress.getAllByName(DnsNamespace.NAME));
        assertArrayEquals(new InetAddress[] {InetAddress.getByName(DnsNamespace.ADDRESS)}, inside);
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName(DnsNamespace.NAME));
    }

    @Test
    void onThreadsOfTheNamespacesFactoryToo() throws Exception {
        ExecutorService pool = dns.ns.newExecutor(1);
        try {
            InetAddress found = pool.submit(() -> InetAddress.getByName(DnsNamespace.NAME)).get();
            assertEquals(InetAddress.getByName(DnsNamespace.ADDRESS), found);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void reverseLookupsInsideAskTheNamespacesNameserver() throws Exception {
        byte[] address = InetAddress.getByName(DnsNamespace.ADDRESS).getAddress();
        String inside = dns.ns.call(host -> InetAddress.getByAddress(address).getCanonicalHostName());
        assertEquals(DnsNamespace.NAME, inside);
    }

    @Test
    void theNamespacesHostsFileWinsInsideAndIsIgnoredOutside() throws Exception {
        dns.writeHosts("198.51.100.9 " + DnsNamespace.NAME + " hosts-only.test\n");
        assertEquals(InetAddress.getByName("198.51.100.9"),
                dns.ns.call(host -> InetAddress.getByName(DnsNamespace.NAME)));
        assertEquals(InetAddress.getByName("198.51.100.9"),
                dns.ns.call(host -> InetAddress.getByName("hosts-only.test")));
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName("hosts-only.test"));
    }

    @Test
    void localhostStillResolvesInside() throws Exception {
        dns.writeHosts("198.51.100.9 hosts-only.test\n");
        assertEquals(InetAddress.getLoopbackAddress(), dns.ns.call(host -> InetAddress.getByName("localhost")));
    }

    @Test
    void aNamedNamespaceWithoutConfigurationUsesTheBuiltInResolver() throws Exception {
        String plain = dns.name + "-plain";
        try (NetNS other = NetNS.createNamed(plain)) {
            assertEquals(InetAddress.getLoopbackAddress(), other.call(host -> InetAddress.getByName("localhost")));
            assertThrows(UnknownHostException.class, () -> other.call(host -> InetAddress.getByName(DnsNamespace.NAME)));
        } finally {
            NetNS.deleteNamed(plain);
        }
    }

    @Test
    void theJdkHttpClientResolvesInside() throws Exception {
        try (InsideServer server = new InsideServer(dns.ns)) {
            ExecutorService executor = dns.ns.newExecutor(2);
            try {
                String body = dns.ns.call(host -> {
                    HttpClient client = HttpClient.newBuilder().executor(executor)
                            .connectTimeout(Duration.ofSeconds(10)).build();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url()))
                            .timeout(Duration.ofSeconds(10)).build();
                    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
                });
                assertEquals("inside", body);
            } finally {
                executor.shutdown();
            }
        }
    }

    @Test
    void okHttpsDefaultDnsResolvesInside() throws Exception {
        try (InsideServer server = new InsideServer(dns.ns)) {
            OkHttpClient client = new OkHttpClient();
            try {
                String body = dns.ns.call(host -> {
                    try (Response response = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
                        return response.body().string();
                    }
                });
                assertEquals("inside", body);
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
        }
    }
}
