package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** The runtime's own netlink socket, {@code dev.netnsguard.netlink.RouteSocket.openOnCurrentThread()}. */
final class RouteSocketInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "dev.netnsguard.netlink.RouteSocket";
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Open.class, isStatic().and(named("openOnCurrentThread")).and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("netlink", "the runtime's `dev.netnsguard.netlink.RouteSocket.openOnCurrentThread()`"));
    }

    static final class Open {
        private Open() {}

        @Advice.OnMethodEnter
        static void enter() {
            GuardBridge.netlinkOpen();
        }
    }
}
