package dev.netnsguard.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The JDK's own resolution, for namespaces without {@code /etc/netns/NAME} and code outside scopes. */
interface Fallback {
    List<InetAddress> byName(String host, Families families) throws UnknownHostException;

    String byAddress(byte[] address) throws UnknownHostException;
}
