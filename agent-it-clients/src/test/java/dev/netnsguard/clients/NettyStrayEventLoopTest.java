package dev.netnsguard.clients;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Netty event loop's thread starts lazily, with the first task handed to the loop. Handed over from inside
 * {@code ns.call}, the thread is born in that namespace, and keeps it: the loop then serves everybody from
 * there, and a channel it makes for work that expects the launch namespace is born in the wrong one. Reported
 * as {@code STRAY_THREAD} with where the thread was born, as for a JDK pool. The mirrored programs stay silent
 * in strict mode: a loop on {@code NetNS.threadFactory()} (its namespace's on purpose), and a client connected
 * inside a scope on a group whose thread that connect started.
 */
class NettyStrayEventLoopTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-nt-");
    private EventLoopGroup group;
    private NettyHttp client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside Netty's own work");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLoopFirstStartedInsideAScopeServesEverybodyFromThereAndIsReported(Transport transport) throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        group = transport.lazyGroup();
        twins.servers().blue().call(host -> group.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, NetnsGuard.violations(), "starting the loop is no misuse by itself: " + NetnsGuard.recentViolations());

        client = group.submit(() -> NettyHttp.begin(group, transport.channels(), twins.servers().port()))
                .get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS).awaitConnected();

        assertEquals(TwinServers.BLUE, client.get(), "the misuse happened: a channel made by the loop for the launch"
                + " namespace reached blue's server");
        List<Violation> stray = NetnsGuard.recentViolations();
        assertEquals(Map.of("STRAY_THREAD", 1L), nonZero(NetnsGuard.counts()), stray.toString());
        Violation v = stray.get(0);
        assertEquals(NetnsGuard.launchInode(), v.expected(), v.toString());
        assertEquals(twins.servers().blue().inode(), v.actual(), v.toString());
        assertTrue(v.detail().startsWith("SOCKET_OPEN on pool thread"), v.detail());
        assertTrue(v.detail().contains("born in net:[" + twins.servers().blue().inode() + "] inside a scope"), v.detail());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLoopOnTheNamespacesThreadFactoryIsSilent(Transport transport) throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        group = transport.groupOn(twins.servers().blue().threadFactory());
        // started from inside a scope: its thread inherits that scope, then enters blue itself and keeps that
        twins.servers().blue().call(host -> group.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS));

        client = group.submit(() -> NettyHttp.begin(group, transport.channels(), twins.servers().port()))
                .get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS).awaitConnected();

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), List.of(client.get(), twins.servers().blue().call(host -> client.get())));
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientConnectedInsideAScopeOnALoopItStartedIsSilent(Transport transport) throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        group = transport.lazyGroup();

        client = twins.servers().blue().call(host -> NettyHttp.connect(group, transport.channels(), twins.servers().port()));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), List.of(twins.servers().blue().call(host -> client.get()), client.get()),
                "the socket was born in blue, used inside blue's scope and outside any");
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> reported = new java.util.TreeMap<>(counts);
        reported.values().removeIf(n -> n == 0);
        return reported;
    }
}
