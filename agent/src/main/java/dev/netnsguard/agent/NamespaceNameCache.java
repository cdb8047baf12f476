package dev.netnsguard.agent;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code dns-cache=per-namespace} cache: name lookups on threads outside the launch namespace,
 * answered per namespace instead of from the JVM-wide {@code InetAddress} cache (keyed by host name
 * only). A miss is resolved on the calling thread by the JDK's own
 * {@code InetAddress.getAddressesFromNameService} (so the resolver in place answers, JEP 418 providers
 * included, in the thread's namespace), and cached under (namespace inode, host) for as long as the JDK
 * would cache it: {@code sun.net.InetAddressCachePolicy}, read from the JDK itself, gives the positive
 * and negative TTLs ({@code networkaddress.cache.ttl}, {@code networkaddress.cache.negative.ttl}, their
 * {@code sun.net.inetaddr.*} fallbacks). One resolution per (namespace, host) at a time, as in the JDK;
 * lookups of one host in two namespaces never share an entry.
 */
final class NamespaceNameCache {
    /** Bounds the entries: beyond it the expired ones go, then all. */
    static final int MAX_ENTRIES = 4096;
    /** How long a lookup waits for another thread's resolution of the same name before resolving itself. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int FOREVER = -1;
    private static final int NEVER = 0;

    /** {@code (String host, InetAddress requested) InetAddress[]}, throwing UnknownHostException. */
    private final MethodHandle resolve;
    private final MethodHandle positiveTtl;
    private final MethodHandle negativeTtl;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    private NamespaceNameCache(MethodHandle resolve, MethodHandle positiveTtl, MethodHandle negativeTtl) {
        this.resolve = resolve;
        this.positiveTtl = positiveTtl;
        this.negativeTtl = negativeTtl;
    }

    /**
     * Opens {@code java.net} and exports {@code sun.net} of java.base to the agent (through {@code inst}),
     * then finds the JDK's resolution (17: {@code getAddressesFromNameService(String, InetAddress)}, 25:
     * {@code (String)}) and its TTL policy.
     *
     * @throws ReflectiveOperationException if this JDK has neither form
     */
    static NamespaceNameCache open(Instrumentation inst) throws ReflectiveOperationException {
        Module javaBase = Object.class.getModule();
        Module agent = NamespaceNameCache.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("sun.net", Set.of(agent)), Map.of("java.net", Set.of(agent)),
                Set.of(), Map.of());
        MethodHandles.Lookup inetAddress = MethodHandles.privateLookupIn(InetAddress.class, MethodHandles.lookup());
        MethodHandle resolve;
        try {
            resolve = inetAddress.findStatic(InetAddress.class, "getAddressesFromNameService",
                    MethodType.methodType(InetAddress[].class, String.class, InetAddress.class));
        } catch (NoSuchMethodException since18) {
            resolve = MethodHandles.dropArguments(inetAddress.findStatic(InetAddress.class, "getAddressesFromNameService",
                    MethodType.methodType(InetAddress[].class, String.class)), 1, InetAddress.class);
        }
        Class<?> policy = Class.forName("sun.net.InetAddressCachePolicy", true, null);
        MethodType ttl = MethodType.methodType(int.class);
        return new NamespaceNameCache(resolve, MethodHandles.lookup().findStatic(policy, "get", ttl),
                MethodHandles.lookup().findStatic(policy, "getNegative", ttl));
    }

    /**
     * The answer for a lookup of {@code host} on a thread in namespace {@code inode}: the addresses (a
     * copy the caller may keep) or the {@code UnknownHostException} to throw, or null where the JDK's own
     * path must answer (a security manager is installed: its check lives in that path).
     *
     * @param useCache false to resolve afresh, as the JDK does for {@code getLocalHost}
     * @throws RuntimeException a fault of this cache, or what the resolver threw other than
     *                          {@code UnknownHostException}: the lookup then takes the JDK's path
     */
    Object answer(String host, InetAddress requested, boolean useCache, long inode) {
        if (securityManaged()) {
            return null;
        }
        Key key = new Key(inode, host);
        if (useCache) {
            Entry known = entries.get(key);
            Answer answer = known == null ? null : known.answer;
            if (answer != null && answer.fresh(System.nanoTime())) {
                return answer.give();
            }
        }
        Entry entry = entry(key);
        boolean locked = lock(entry.lock);
        try {
            Answer answer = entry.answer;
            if (useCache && answer != null && answer.fresh(System.nanoTime())) {
                return answer.give(); // resolved by the thread this one waited for
            }
            InetAddress[] addresses;
            UnknownHostException failure = null;
            try {
                addresses = resolve(host, requested);
            } catch (UnknownHostException unknown) {
                addresses = null;
                failure = unknown;
            }
            int seconds = ttl(failure == null ? positiveTtl : negativeTtl);
            if (seconds == NEVER) {
                entry.answer = null;
                entries.remove(key, entry);
            } else {
                entry.answer = new Answer(addresses, failure,
                        seconds == FOREVER ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds),
                        seconds == FOREVER);
            }
            return failure != null ? failure : addresses.clone();
        } finally {
            if (locked) {
                entry.lock.unlock();
            }
        }
    }

    private InetAddress[] resolve(String host, InetAddress requested) throws UnknownHostException {
        try {
            return (InetAddress[]) resolve.invokeExact(host, requested);
        } catch (UnknownHostException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable undeclared) {
            throw new IllegalStateException("InetAddress.getAddressesFromNameService threw " + undeclared, undeclared);
        }
    }

    private static int ttl(MethodHandle policy) {
        try {
            return (int) policy.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable undeclared) {
            throw new IllegalStateException("InetAddressCachePolicy threw " + undeclared, undeclared);
        }
    }

    private Entry entry(Key key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            return entry;
        }
        if (entries.size() >= MAX_ENTRIES) {
            long now = System.nanoTime();
            entries.values().removeIf(e -> {
                Answer a = e.answer;
                return a == null || !a.fresh(now);
            });
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        return entries.computeIfAbsent(key, k -> new Entry());
    }

    /**
     * Waits, bounded, for another thread's resolution of the same name; true if the lock is held. A lookup
     * that waited too long, or was interrupted (the interrupt is kept), resolves without it.
     */
    private static boolean lock(ReentrantLock lock) {
        try {
            return lock.tryLock(WAIT_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @SuppressWarnings("removal")
    private static boolean securityManaged() {
        return System.getSecurityManager() != null;
    }

    private record Key(long inode, String host) {}

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        volatile Answer answer;
    }

    /** A resolution: addresses or the failure, and until when (System.nanoTime()) it holds. */
    private record Answer(InetAddress[] addresses, UnknownHostException failure, long expiry, boolean forever) {
        boolean fresh(long now) {
            return forever || expiry - now > 0;
        }

        Object give() {
            if (failure == null) {
                return addresses.clone();
            }
            UnknownHostException again = new UnknownHostException(failure.getMessage());
            again.initCause(failure);
            return again;
        }
    }
}
