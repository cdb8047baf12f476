package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

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
        ElementMatcher.Junction<MethodDescription> lookup = isStatic().and(isPrivate()).and(named("getAllByName0"))
                .and(takesArgument(0, String.class)).and(takesArguments(4).or(takesArguments(2)));
        ElementMatcher.Junction<MethodDescription> reverse = isStatic().and(named("getHostFromNameService"))
                .and(takesArgument(0, named(type())));
        t.advise(type(), Lookup.class, lookup.or(reverse))
                .advise(type(), Cache.class, lookup)
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
                        + " resolving namespace; the lookup hook above tells a resolution from a cache hit"));
    }

    /** Any lookup, cache hits included: the thread's namespace. */
    static final class Lookup {
        private Lookup() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object host) {
            GuardBridge.dnsLookup(host);
        }
    }

    /** Inside a scope, a lookup answered without resolving is judged against where the answer was resolved. */
    static final class Cache {
        private Cache() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter() {
            return GuardBridge.dnsLookupStarts();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Argument(0) Object host, @Advice.Enter Object token) {
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
