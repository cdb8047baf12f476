package dev.netnsguard.agent;

/** A configuration the agent cannot start with; the message names the key and the allowed values. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
