package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import java.net.InetAddress;
import java.util.List;
import okhttp3.OkHttpClient;

/** An OkHttp client whose every connection, pooled or new, is made inside a namespace. */
final class OkHttpInNamespace {
    private OkHttpInNamespace() {}

    static OkHttpClient clientIn(NetNS ns) {
        return new OkHttpClient.Builder()
                // OkHttp asks the factory for unconnected sockets and connects them itself.
                .socketFactory(ns.socketFactory())
                .dns(name -> List.of(ns.call(host -> InetAddress.getAllByName(name))))
                .build();
    }
}
