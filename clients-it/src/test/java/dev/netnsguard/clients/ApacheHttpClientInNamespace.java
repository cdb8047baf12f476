package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import javax.net.SocketFactory;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;

/** Apache HttpClient 5 clients, classic and async, whose every pooled connection is made inside a namespace. */
final class ApacheHttpClientInNamespace {
    private ApacheHttpClientInNamespace() {}

    /** Host names looked up inside {@code ns}. */
    static DnsResolver dnsIn(NetNS ns) {
        return new SystemDefaultDnsResolver() {
            @Override
            public InetAddress[] resolve(String name) throws UnknownHostException {
                return ns.call(host -> super.resolve(name));
            }

            @Override
            public String resolveCanonicalHostname(String name) throws UnknownHostException {
                return ns.call(host -> super.resolveCanonicalHostname(name));
            }
        };
    }

    /** The classic client: its connection operator takes its plain sockets from {@code ns.socketFactory()}. */
    static CloseableHttpClient classicClientIn(NetNS ns) {
        SocketFactory sockets = ns.socketFactory();
        DetachedSocketFactory inside = socksProxy -> {
            if (socksProxy != null) {
                throw new IOException("a socket through SOCKS proxy " + socksProxy + " would not be born in " + ns);
            }
            return sockets.createSocket();
        };
        return HttpClients.custom()
                .setConnectionManager(new PoolingHttpClientConnectionManagerBuilder() {
                    @Override
                    protected HttpClientConnectionOperator createConnectionOperator(
                            SchemePortResolver ports, DnsResolver dns, TlsSocketStrategy tls) {
                        // TLS is layered over the plain socket, so it stays where that was born.
                        return new DefaultHttpClientConnectionOperator(inside, ports, dns,
                                RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
                    }
                }.setDnsResolver(dnsIn(ns)).build())
                .build();
    }

    /** The async client's pool: host names looked up inside {@code ns}. */
    static PoolingAsyncClientConnectionManager asyncPoolIn(NetNS ns) {
        return PoolingAsyncClientConnectionManagerBuilder.create().setDnsResolver(dnsIn(ns)).build();
    }

    /** The async client: its I/O reactor opens its sockets on its own threads, so they are the namespace's. */
    static CloseableHttpAsyncClient asyncClientIn(NetNS ns, PoolingAsyncClientConnectionManager pool) {
        return HttpAsyncClients.custom()
                .setThreadFactory(ns.threadFactory())
                .setConnectionManager(pool)
                .build();
    }
}
