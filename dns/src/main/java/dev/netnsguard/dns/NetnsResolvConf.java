package dev.netnsguard.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringTokenizer;
import java.util.stream.Collectors;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.config.ResolvConfResolverConfigProvider;

/**
 * One resolv.conf file, parsed by dnsjava (nameservers, search list, ndots) plus the options glibc
 * has and dnsjava does not read: {@code timeout:n} (default 5 s, at most 30), {@code attempts:n}
 * (default 2, at most 5) and {@code rotate}.
 */
final class NetnsResolvConf extends ResolvConfResolverConfigProvider {
    private final Path file;
    private Duration timeout = Duration.ofSeconds(5);
    private int attempts = 2;
    private boolean rotate;

    private NetnsResolvConf(Path file) {
        this.file = file;
    }

    /**
     * Reads {@code file}; a missing file is glibc's default configuration (the nameserver on
     * 127.0.0.1, no search list).
     *
     * @throws IOException if the file cannot be read or is malformed, naming it
     */
    static NetnsResolvConf read(Path file) throws IOException {
        NetnsResolvConf conf = new NetnsResolvConf(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException missing) {
            text = "";
        }
        try {
            conf.parseResolvConf(new ByteArrayInputStream(
                    onlyAddressNameservers(text).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (RuntimeException malformed) {
            throw new IOException("malformed " + file + ": " + malformed, malformed);
        }
        conf.parseGlibcOptions(text);
        return conf;
    }

    /**
     * glibc skips a {@code nameserver} line that is not an address; dnsjava would look the name up
     * through InetAddress, which inside a scope would be this very resolver.
     */
    private static String onlyAddressNameservers(String text) {
        return text.lines().filter(line -> {
            StringTokenizer tokens = new StringTokenizer(line);
            if (!tokens.hasMoreTokens() || !tokens.nextToken().equals("nameserver")) {
                return true;
            }
            if (!tokens.hasMoreTokens()) {
                return false;
            }
            String server = tokens.nextToken();
            int scope = server.indexOf('%');
            String address = scope < 0 ? server : server.substring(0, scope);
            return Address.isDottedQuad(address) || Address.toByteArray(address, Address.IPv6) != null;
        }).collect(Collectors.joining("\n"));
    }

    private void parseGlibcOptions(String text) {
        text.lines().forEach(line -> {
            StringTokenizer tokens = new StringTokenizer(line);
            if (!tokens.hasMoreTokens() || !tokens.nextToken().equals("options")) {
                return;
            }
            while (tokens.hasMoreTokens()) {
                String option = tokens.nextToken();
                if (option.startsWith("timeout:")) {
                    timeout = Duration.ofSeconds(bounded(option.substring(8), 1, 30, (int) timeout.toSeconds()));
                } else if (option.startsWith("attempts:")) {
                    attempts = bounded(option.substring(9), 1, 5, attempts);
                } else if (option.equals("rotate")) {
                    rotate = true;
                }
            }
        });
    }

    private static int bounded(String value, int min, int max, int otherwise) {
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The nameservers in order; 127.0.0.1 when the file names none, as glibc does. */
    List<InetSocketAddress> nameservers() {
        List<InetSocketAddress> servers = servers();
        return servers.isEmpty() ? List.of(new InetSocketAddress("127.0.0.1", DEFAULT_PORT)) : servers;
    }

    List<Name> searchList() {
        return searchPaths();
    }

    /** How long one query to one nameserver may take. */
    Duration timeout() {
        return timeout;
    }

    /** How many times each nameserver is asked. */
    int attempts() {
        return attempts;
    }

    /** Whether the first nameserver asked rotates between lookups. */
    boolean rotate() {
        return rotate;
    }

    Path file() {
        return file;
    }
}
