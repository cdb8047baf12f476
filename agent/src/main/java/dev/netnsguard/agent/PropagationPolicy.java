package dev.netnsguard.agent;

import java.util.List;

/**
 * The {@code propagate} option: which executors carry the submitter's scope to their tasks.
 *
 * @param all       every executor (the default)
 * @param executors otherwise, the executors whose class or a superclass matches one of these; none if empty
 */
public record PropagationPolicy(boolean all, List<ClassPattern> executors) {
    /** Every executor carries scopes. */
    public static final PropagationPolicy ALL = new PropagationPolicy(true, List.of());
    /** No executor carries scopes, and none is instrumented for it at install. */
    public static final PropagationPolicy NONE = new PropagationPolicy(false, List.of());

    /** True where no executor carries scopes. */
    public boolean none() {
        return !all && executors.isEmpty();
    }

    /** True if executors of {@code type} carry scopes. */
    public boolean carries(Class<?> type) {
        if (all) {
            return true;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (ClassPattern pattern : executors) {
                if (pattern.matchesClass(c.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return all ? "all" : executors.isEmpty() ? "none" : String.join(";", executors.stream().map(ClassPattern::toString).toList());
    }
}
