package dev.netnsguard.agent.instrumentation;

import java.util.List;

/**
 * The instrumentation of one type: its matchers and its advice together, with the notes on how the
 * type differs between JDK versions. {@link Instrumentations#ALL} lists every unit; the installer, the
 * self-test's set of required types and the coverage table of docs/agent.md all derive from that list.
 *
 * <p>To guard a new library, add a unit for each of its types and add it to the list. Advice that only
 * records or propagates must never throw into the application: give it {@code suppress = Throwable.class}
 * and let its hook hand faults to {@code GuardBridge.hookFailed}.
 */
public interface TypeInstrumentation {
    /** The binary name of the instrumented type. */
    String type();

    /**
     * True for a library type that shading plugins copy under other package names (gRPC's
     * {@code io.grpc.netty.shaded.io.netty...}): relocated copies are matched too, under any package prefix.
     */
    default boolean relocatable() {
        return false;
    }

    /** True for context propagation: installed only where the {@code propagate} option is not {@code none}. */
    default boolean propagation() {
        return false;
    }

    /** True if the self-test fails when this type was not instrumented (a JDK type every JVM loads). */
    default boolean required() {
        return false;
    }

    /**
     * For a unit whose classes are found by their hierarchy (the implementors of an interface) rather than
     * by name: the transformer of its own that matches them as they load; null for units matched by name,
     * which are {@linkplain GuardTransformer#register registered} with the guard's transformer instead.
     */
    default java.lang.instrument.ClassFileTransformer hierarchyTransformer() {
        return null;
    }

    /**
     * Adds this unit's advice to {@code transformer}, for its own type only. Called when the type is first
     * transformed, not at install: matchers built here cost a JVM nothing until then.
     */
    void apply(GuardTransformer transformer);

    /** What this unit covers: its rows of the coverage table. */
    List<Coverage> coverage();
}
