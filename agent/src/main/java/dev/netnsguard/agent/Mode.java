package dev.netnsguard.agent;

import java.util.Locale;

/** What the guard does with a violation: the values of the {@code mode} option. */
public enum Mode {
    /** Reports, then throws {@code NetNSViolationError} from the offending call: for CI. */
    STRICT,
    /** Reports and never changes behaviour: for production. */
    REPORT,
    /** Installs nothing. */
    OFF;

    /** The option value: {@code strict}, {@code report} or {@code off}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True where checks run. */
    public boolean checks() {
        return this != OFF;
    }
}
