package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.net.InetAddress;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.net.InetAddress}: name lookups, reverse lookups, and the JVM-wide cache. The private
 * {@code getAllByName0} is the designated lookup on both JDKs (17: {@code (String, InetAddress, boolean,
 * boolean)}; 25: {@code (String, boolean)}); the public methods delegate to it. Where a name is really
 * resolved, then cached: {@code getAddressesFromNameService} (17: {@code (String, InetAddress)}; 25:
 * {@code (String)}). Reverse: {@code getHostFromNameService} (17: {@code (InetAddress, boolean)}; 25:
 * {@code (InetAddress)}).
 */
final class InetAddressInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.net.InetAddress";
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        ElementMatcher.Junction<MethodDescription> designated = isStatic().and(isPrivate()).and(named("getAllByName0"))
                .and(takesArgument(0, String.class));
        ElementMatcher.Junction<MethodDescription> lookup17 = designated.and(takesArguments(4))
                .and(takesArgument(1, named(type()))).and(takesArgument(3, boolean.class));
        ElementMatcher.Junction<MethodDescription> lookup25 = designated.and(takesArguments(2))
                .and(takesArgument(1, boolean.class));
        ElementMatcher.Junction<MethodDescription> reverse = isStatic().and(named("getHostFromNameService"))
                .and(takesArgument(0, named(type())));
        // Lookup first: the outer advice, so its check runs even where the cache advice skips the JDK's body.
        t.advise(type(), Lookup.class, lookup17.or(lookup25).or(reverse))
                .advise(type(), Cache17.class, lookup17)
                .advise(type(), Cache25.class, lookup25)
                .advise(type(), Resolve.class, isStatic().and(named("getAddressesFromNameService"))
                        .and(takesArgument(0, String.class)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(
                Coverage.both("name lookups", "`InetAddress.getAllByName0` (17: `(String, InetAddress, boolean, boolean)`,"
                        + " 25: `(String, boolean)`, the private designated lookup; cache hits included) and"
                        + " `getHostFromNameService` (reverse; 17: `(InetAddress, boolean)`, 25: `(InetAddress)`)."
                        + " Literal addresses are not lookups and are not checked"),
                Coverage.both("cached name answers (trap 5)", "`InetAddress.getAddressesFromNameService` (17: `(String,"
                        + " InetAddress)`, 25: `(String)`; where a name is really resolved, then cached) records the"
                        + " resolving namespace; the lookup hook above tells a resolution from a cache hit. With"
                        + " `dns-cache=per-namespace`, `getAllByName0` on a thread outside the launch namespace skips"
                        + " the JDK's cache and returns the agent's answer for that namespace"));
    }

    /** Any lookup, cache hits included: the thread's namespace. */
    static final class Lookup {
        private Lookup() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object host) {
            GuardBridge.dnsLookup(host);
        }
    }

    /**
     * JDK 25's {@code getAllByName0(String host, boolean useCache)}: see {@link Cache17}, without a requested
     * address.
     */
    static final class Cache25 {
        private Cache25() {}

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(@Advice.Argument(0) Object host, @Advice.Argument(1) boolean useCache,
                @Advice.Local("token") Object token) {
            token = GuardBridge.dnsLookupStarts();
            return GuardBridge.dnsAnswer(host, null, useCache);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Argument(0) Object host, @Advice.Local("token") Object token,
                @Advice.Enter Object answer, @Advice.Return(readOnly = false) InetAddress[] addresses,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (answer instanceof InetAddress[]) {
                addresses = (InetAddress[]) answer;
                thrown = null;
            } else if (answer instanceof Throwable) {
                addresses = null;
                thrown = (Throwable) answer;
            }
            GuardBridge.dnsLookupEnds(host, token);
        }
    }

    /**
     * JDK 17's {@code getAllByName0(String host, InetAddress reqAddr, boolean check, boolean useCache)}.
     * Inside a scope, a lookup answered without resolving is judged against where the answer was resolved.
     * With {@code dns-cache=per-namespace}, a lookup on a thread outside the launch namespace gets the
     * agent's answer for that namespace instead of running the JDK's body (and its cache).
     */
    static final class Cache17 {
        private Cache17() {}

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(@Advice.Argument(0) Object host, @Advice.Argument(1) Object requested,
                @Advice.Argument(3) boolean useCache, @Advice.Local("token") Object token) {
            token = GuardBridge.dnsLookupStarts();
            return GuardBridge.dnsAnswer(host, requested, useCache);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Argument(0) Object host, @Advice.Local("token") Object token,
                @Advice.Enter Object answer, @Advice.Return(readOnly = false) InetAddress[] addresses,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (answer instanceof InetAddress[]) {
                addresses = (InetAddress[]) answer;
                thrown = null;
            } else if (answer instanceof Throwable) {
                addresses = null;
                thrown = (Throwable) answer;
            }
            GuardBridge.dnsLookupEnds(host, token);
        }
    }

    /** A name is really resolved by this thread: record where. */
    static final class Resolve {
        private Resolve() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object host) {
            GuardBridge.dnsResolving(host);
        }
    }
}
