package dev.netnsguard.dns;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Lookups of one named namespace that has a {@link NetnsDirectory}: its hosts file first, then its
 * resolv.conf's nameservers, search list and options, each query sent from a socket created inside
 * the namespace ({@link NamespaceTransport}). The files are read afresh for every lookup, as they may
 * change at any time; dnsjava keeps no cache here (the JDK's cache is above).
 *
 * <p>Everything runs on the calling thread: the lookup session's executor runs its steps in place,
 * so no pool thread, which might be born inside the namespace, is ever started or used.
 */
final class NamespaceDns {
    private final NetNS ns;
    private final NetnsDirectory directory;

    NamespaceDns(NetNS ns, NetnsDirectory directory) {
        this.ns = ns;
        this.directory = directory;
    }

    List<InetAddress> byName(String host, Families families) throws UnknownHostException {
        int[] types = families.ipv4() && families.ipv6()
                ? (families.ipv6First() ? new int[] {Type.AAAA, Type.A} : new int[] {Type.A, Type.AAAA})
                : new int[] {families.ipv4() ? Type.A : Type.AAAA};
        Name name = parse(host);
        List<InetAddress> found = fromHosts(host, name, types);
        if (!found.isEmpty()) {
            return found;
        }
        NetnsResolvConf conf = readResolvConf(host);
        LookupSession session = session(conf);
        Exception failure = null;
        for (int type : types) {
            try {
                for (Record record : lookUp(session, conf, name, type).getRecords()) {
                    byte[] address = record instanceof ARecord
                            ? ((ARecord) record).getAddress().getAddress()
                            : ((AAAARecord) record).getAddress().getAddress();
                    found.add(InetAddress.getByAddress(host, address));
                }
            } catch (NoSuchDomainException noSuchName) {
                break;
            } catch (NoSuchRRSetException noSuchType) {
                // the name exists without addresses of this family: ask for the other one
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }
        if (found.isEmpty()) {
            throw unknown(host, failure, conf);
        }
        return found;
    }

    String byAddress(byte[] address) throws UnknownHostException {
        InetAddress literal = InetAddress.getByAddress(address);
        Optional<String> hostsName = reverseFromHosts(address);
        if (hostsName.isPresent()) {
            return hostsName.get();
        }
        NetnsResolvConf conf = readResolvConf(literal.getHostAddress());
        try {
            List<Record> records = lookUp(session(conf), conf, ReverseMap.fromAddress(literal), Type.PTR).getRecords();
            if (!records.isEmpty()) {
                return ((PTRRecord) records.get(0)).getTarget().toString(true);
            }
            throw unknown(literal.getHostAddress(), null, conf);
        } catch (IOException | RuntimeException e) {
            throw unknown(literal.getHostAddress(), e, conf);
        }
    }

    private static Name parse(String host) throws UnknownHostException {
        try {
            return Name.fromString(host);
        } catch (TextParseException e) {
            UnknownHostException unknown = new UnknownHostException(host + ": not a valid host name (" + e.getMessage() + ")");
            unknown.initCause(e);
            throw unknown;
        }
    }

    /** Like glibc's files backend: the name as given, every family asked for, before any query. */
    private List<InetAddress> fromHosts(String host, Name name, int[] types) throws UnknownHostException {
        List<InetAddress> found = new ArrayList<>();
        Path hosts = directory.hosts();
        try {
            Name absolute = name.isAbsolute() ? name : Name.concatenate(name, Name.root);
            HostsFileParser parser = new HostsFileParser(hosts, false);
            for (int type : types) {
                Optional<InetAddress> address = parser.getAddressForHost(absolute, type);
                if (address.isPresent()) {
                    found.add(InetAddress.getByAddress(host, address.get().getAddress()));
                }
            }
        } catch (IOException e) {
            UnknownHostException unknown = new UnknownHostException(host + ": cannot read " + hosts + ": " + e);
            unknown.initCause(e);
            throw unknown;
        }
        return found;
    }

    /** The first name of the first line of the hosts file with this address, as glibc answers. */
    private Optional<String> reverseFromHosts(byte[] address) throws UnknownHostException {
        Path hosts = directory.hosts();
        List<String> lines;
        try {
            lines = Files.readAllLines(hosts, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        } catch (IOException e) {
            UnknownHostException unknown = new UnknownHostException("cannot read " + hosts + ": " + e);
            unknown.initCause(e);
            throw unknown;
        }
        int family = address.length == 4 ? Address.IPv4 : Address.IPv6;
        for (String line : lines) {
            int comment = line.indexOf('#');
            String[] tokens = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
            if (tokens.length >= 2 && Arrays.equals(Address.toByteArray(tokens[0], family), address)) {
                return Optional.of(tokens[1]);
            }
        }
        return Optional.empty();
    }

    private NetnsResolvConf readResolvConf(String what) throws UnknownHostException {
        try {
            return NetnsResolvConf.read(directory.resolvConf());
        } catch (IOException e) {
            UnknownHostException unknown = new UnknownHostException(what + ": " + e.getMessage());
            unknown.initCause(e);
            throw unknown;
        }
    }

    private LookupSession session(NetnsResolvConf conf) {
        NamespaceTransport transport = new NamespaceTransport(ns);
        List<Resolver> servers = new ArrayList<>();
        for (var address : conf.nameservers()) {
            SimpleResolver server = new SimpleResolver(address);
            server.setTimeout(conf.timeout());
            server.setIoClientFactory(transport);
            servers.add(server);
        }
        ExtendedResolver resolver = new ExtendedResolver(servers);
        resolver.setRetries(conf.attempts());
        resolver.setLoadBalance(conf.rotate());
        resolver.setTimeout(overallTimeout(conf));
        return LookupSession.builder()
                .resolver(resolver)
                .ndots(conf.ndots())
                .searchPath(conf.searchList())
                .executor(Runnable::run)
                .build();
    }

    private static Duration overallTimeout(NetnsResolvConf conf) {
        return conf.timeout().multipliedBy((long) conf.attempts() * conf.nameservers().size());
    }

    /**
     * Runs one lookup. The transport completes every exchange before returning, so the future is done
     * by then; the bound only guards against a change of that, with some room over the sum of all
     * attempts (each name of the search list is one lookup).
     */
    private static LookupResult lookUp(LookupSession session, NetnsResolvConf conf, Name name, int type)
            throws IOException {
        long bound = overallTimeout(conf).multipliedBy(conf.searchList().size() + 1L).plusSeconds(1).toMillis();
        try {
            return session.lookupAsync(name, type).toCompletableFuture().get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        } catch (TimeoutException e) {
            throw new IOException("no answer for " + name + " within " + bound + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while resolving " + name, e);
        }
    }

    private UnknownHostException unknown(String what, Exception failure, NetnsResolvConf conf) {
        String why = failure == null ? "not found" : failure.getMessage();
        UnknownHostException unknown = new UnknownHostException(what + ": " + why + " (namespace "
                + directory.namespace() + ", " + directory.hosts() + ", nameservers " + conf.nameservers()
                + " of " + conf.file() + ")");
        if (failure != null) {
            unknown.initCause(failure);
        }
        return unknown;
    }
}
