package dev.netnsguard.internal.scope;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * Wires {@link Scopes} to the netns-guard agent, when one is attached, through JDK types only.
 *
 * <p>The agent puts a small bridge class on the bootstrap class path, where instrumented JDK code
 * can call it. The runtime may be loaded by any class loader, before or after the agent attaches,
 * so the link is made from both sides: {@link Scopes} calls {@link #connect()} when it initialises,
 * and an agent attaching later calls {@link #connect()} on the already loaded class. Either way the
 * bridge receives functions that read this runtime's scope state, and hands back the listener the
 * runtime tells whenever it moves a thread into a namespace. Without an agent nothing happens.
 *
 * <p>The bridge contract ({@value #BRIDGE}): a public static method
 * {@code LongConsumer connectScopes(LongSupplier expectedInode, Supplier<Object> capture,
 * UnaryOperator<Object> swap, ToLongFunction<Object> inodeOf)}.
 */
public final class GuardLink {
    /** The agent's bootstrap class that receives the scope state. */
    public static final String BRIDGE = "dev.netnsguard.agent.bootstrap.GuardBridge";

    private static volatile LongConsumer switchListener = inode -> { };

    private GuardLink() {}

    /**
     * Hands this runtime's scope state to the agent's bridge, if the agent is attached.
     * Idempotent; called by the runtime on start and by the agent on attach. A bridge of another
     * version is reported as a warning and otherwise ignored.
     */
    public static synchronized void connect() {
        Class<?> bridge;
        try {
            bridge = Class.forName(BRIDGE, true, null);
        } catch (ClassNotFoundException | LinkageError absent) {
            return;
        }
        try {
            MethodHandle connect = MethodHandles.publicLookup().findStatic(bridge, "connectScopes",
                    MethodType.methodType(LongConsumer.class, LongSupplier.class, Supplier.class,
                            UnaryOperator.class, ToLongFunction.class));
            LongSupplier expected = Scopes::expectedInode;
            Supplier<Object> capture = Scopes::current;
            UnaryOperator<Object> swap = scope -> Scopes.swap((Scope) scope);
            ToLongFunction<Object> inodeOf = scope -> scope == null ? 0 : ((Scope) scope).inode();
            switchListener = (LongConsumer) connect.invoke(expected, capture, swap, inodeOf);
        } catch (Throwable incompatible) {
            // The application must keep running: without the link it is simply not guarded.
            System.getLogger("dev.netnsguard").log(System.Logger.Level.WARNING,
                    "netns-guard: the attached agent's bridge " + BRIDGE + " does not match this runtime,"
                            + " so the agent cannot see its scopes; use an agent and runtime of the same version",
                    incompatible);
        }
    }

    /** The agent's record of where threads were born ({@code Births.snapshot()}, JDK types only). */
    private static final String BIRTHS = "dev.netnsguard.agent.bootstrap.Births";

    /**
     * Where the agent, if attached, saw live threads born outside the launch namespace: each thread
     * mapped to {@code {Long inode, Boolean bornInsideAScope, String creatorName}}. Empty without the
     * agent, or with an agent that does not record births.
     */
    @SuppressWarnings("unchecked")
    public static Map<Thread, Object[]> births() {
        try {
            Class<?> births = Class.forName(BIRTHS, false, null);
            MethodHandle snapshot = MethodHandles.publicLookup().findStatic(births, "snapshot",
                    MethodType.methodType(Map.class));
            return (Map<Thread, Object[]>) snapshot.invoke();
        } catch (Throwable noAgentOrNoBirths) {
            return Map.of();
        }
    }

    /** Tells the agent, if attached, that the calling OS thread was just moved into namespace {@code inode}. */
    public static void threadSwitched(long inode) {
        switchListener.accept(inode);
    }
}
