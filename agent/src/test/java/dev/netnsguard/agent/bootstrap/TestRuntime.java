package dev.netnsguard.agent.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the bridge's in-process tests stand in for the runtime and the agent with: a scope state of
 * their own (a thread-local, like the runtime's {@code Scopes}) behind a {@link RuntimeLink}, and a
 * judge that records what it is handed.
 */
final class TestRuntime {
    /** A scope expecting {@code inode}, as the runtime's {@code Scope} is. */
    record TestScope(long inode, String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** One call of the judge. */
    record Call(ViolationKind kind, long expected, long actual, Object scope, Object detail, boolean ofThread) { }

    final InheritableThreadLocal<Object> current = new InheritableThreadLocal<>();
    final RuntimeLink link = new RuntimeLink(current::get, scope -> {
        Object previous = current.get();
        current.set(scope);
        return previous;
    }, scope -> ((TestScope) scope).inode());
    final List<Call> calls = new ArrayList<>();
    final List<String> failedHooks = new ArrayList<>();
    volatile Supplier<Error> verdict = () -> null;

    final Judge judge = new Judge() {
        @Override
        public synchronized Error mismatch(ViolationKind kind, long expected, long actual, Object scope, Object detail,
                boolean ofThread) {
            calls.add(new Call(kind, expected, actual, scope, detail, ofThread));
            return verdict.get();
        }

        @Override
        public void resolved(String host, long inode) {
        }

        @Override
        public Error cacheAnswered(String host, long expected, Object scope) {
            return null;
        }

        @Override
        public synchronized void hookFailed(String hook, Throwable failure) {
            failedHooks.add(hook + ": " + failure.getMessage());
        }
    };

    /** Connects this runtime, armed, with {@code launch} as the launch namespace. */
    TestRuntime install(long launch) {
        GuardBridge.configure(launch, false, 1000, judge);
        GuardBridge.connect(link);
        GuardBridge.arm(true);
        return this;
    }

    void uninstall() {
        GuardBridge.arm(false);
        GuardBridge.disconnect(link);
        current.remove();
    }
}
