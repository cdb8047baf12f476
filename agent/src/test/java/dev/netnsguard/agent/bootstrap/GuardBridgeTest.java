package dev.netnsguard.agent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.SocketChannel;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandles;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tripwire in-process: its hooks called directly (as the inlined advice calls them), with a test
 * runtime's scopes and a recording judge. The thread's namespace is the real one, read from /proc.
 */
class GuardBridgeTest {
    private final long here = GuardBridge.readThreadInode();
    private TestRuntime runtime;

    @BeforeEach
    void install() {
        assertTrue(here != 0, "/proc/thread-self/ns/net is readable");
        runtime = new TestRuntime().install(here);
    }

    @AfterEach
    void uninstall() {
        runtime.uninstall();
    }

    @Test
    void aThreadWhereItsScopeExpectsIsNotJudged() {
        runtime.current.set(new TestRuntime.TestScope(here, "here"));
        GuardBridge.socketOpen();
        GuardBridge.processStart(new String[] {"true"});
        assertEquals(List.of(), runtime.calls);
    }

    @Test
    void aMismatchHandsTheScopeOnceWithItsInode() {
        TestRuntime.TestScope blue = new TestRuntime.TestScope(here + 1, "blue");
        runtime.current.set(blue);
        GuardBridge.dnsLookup("example.test");
        assertEquals(List.of(new TestRuntime.Call(ViolationKind.DNS_LOOKUP, here + 1, here, blue, "example.test", true)),
                runtime.calls);
    }

    @Test
    void outsideScopesTheLaunchNamespaceIsExpectedUnlessAnyIs() {
        GuardBridge.configure(here + 7, false, 1000, runtime.judge);
        GuardBridge.netlinkOpen();
        assertEquals(List.of(new TestRuntime.Call(ViolationKind.NETLINK_OPEN, here + 7, here, null, null, true)), runtime.calls);
        runtime.calls.clear();
        GuardBridge.configure(here + 7, true, 1000, runtime.judge);
        GuardBridge.netlinkOpen();
        assertEquals(List.of(), runtime.calls);
    }

    @Test
    void socketOperationsAreJudgedByWhereTheSocketWasBornAndOnlyInsideScopes() throws Exception {
        try (SocketChannel channel = SocketChannel.open()) {
            FileDescriptor fd = fdOf(channel);
            GuardBridge.socketOpened(fd); // born here
            GuardBridge.socketConnect(fd, "198.51.100.1:80");
            assertEquals(List.of(), runtime.calls, "outside scopes any socket may be used");
            TestRuntime.TestScope blue = new TestRuntime.TestScope(here + 1, "blue");
            runtime.current.set(blue);
            GuardBridge.socketConnect(fd, "198.51.100.1:80");
            assertEquals(List.of(new TestRuntime.Call(ViolationKind.SOCKET_CONNECT, here + 1, here, blue,
                    "198.51.100.1:80", false)), runtime.calls);
        }
    }

    @Test
    void theJudgesErrorIsThrownFromTheCall() {
        Error strict = new Error("strict");
        runtime.verdict = () -> strict;
        runtime.current.set(new TestRuntime.TestScope(here + 1, "blue"));
        assertSame(strict, assertThrows(Error.class, GuardBridge::socketOpen));
    }

    @Test
    void aFailingJudgeOrRuntimeNeverReachesTheApplication() {
        runtime.current.set(new TestRuntime.TestScope(here + 1, "blue"));
        runtime.verdict = () -> {
            throw new IllegalStateException("judge broke");
        };
        GuardBridge.socketOpen();
        RuntimeLink broken = new RuntimeLink(() -> {
            throw new IllegalStateException("capture broke");
        }, s -> s, s -> 0);
        GuardBridge.disconnect(runtime.link);
        GuardBridge.connect(broken);
        try {
            GuardBridge.processStart(new String[] {"true"});
            GuardBridge.socketBind(null);
            assertEquals(null, GuardBridge.dnsLookupStarts());
        } finally {
            GuardBridge.disconnect(broken);
        }
        assertEquals(List.of("SOCKET_OPEN: judge broke", "PROCESS_START: capture broke", "SOCKET_BIND: capture broke",
                "InetAddress lookup start: capture broke"), runtime.failedHooks);
    }

    @Test
    void theJudgesOwnNetworkWorkIsNotChecked() {
        runtime.current.set(new TestRuntime.TestScope(here + 1, "blue"));
        runtime.verdict = () -> {
            GuardBridge.socketOpen(); // e.g. the reporter writing somewhere
            return null;
        };
        GuardBridge.socketOpen();
        assertEquals(1, runtime.calls.size(), runtime.calls.toString());
    }

    @Test
    void aRuntimeConnectingAgainIsOneLink() {
        int before = GuardBridge.links().length;
        GuardBridge.connect(runtime.link);
        assertEquals(before, GuardBridge.links().length);
    }

    @Test
    void aRuntimeConnectsBesideALinkOfTheSameLoaderAndOnlyOnce() {
        // The test runtime's link (like the self-test's) shares this loader with the runtime connecting now.
        RuntimeLink[] before = GuardBridge.links();
        ThreadLocal<Object> scopes = new ThreadLocal<>();
        for (int connection = 0; connection < 2; connection++) {
            GuardBridge.connectScopes(() -> 0, scopes::get, s -> s, s -> 0);
        }
        RuntimeLink[] after = GuardBridge.links();
        try {
            assertEquals(before.length + 1, after.length, "connected once, beside the link of the same loader");
        } finally {
            GuardBridge.disconnect(after[after.length - 1]);
        }
    }

    @Test
    void theOriginIsTheFirstAgentsForTheLifeOfTheBridge() {
        String first = GuardBridge.origin("netns-guard agent test (bootstrap 000000000000)");
        assertEquals(first, GuardBridge.origin("netns-guard agent other (bootstrap ffffffffffff)"));
    }

    static FileDescriptor fdOf(SocketChannel channel) throws ReflectiveOperationException {
        return (FileDescriptor) MethodHandles.privateLookupIn(channel.getClass(), MethodHandles.lookup())
                .findVarHandle(channel.getClass(), "fd", FileDescriptor.class).get(channel);
    }
}
