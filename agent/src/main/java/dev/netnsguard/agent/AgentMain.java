package dev.netnsguard.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points ({@code Premain-Class}, {@code Agent-Class}). It must not name any
 * bootstrap-side class: those exist only once {@link BootstrapJar#append} has run.
 */
public final class AgentMain {
    private AgentMain() {}

    /** {@code -javaagent:netns-guard-agent.jar[=key=value,...]} */
    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    /** Attached to a running JVM ({@code java -jar netns-guard-agent.jar attach <pid>}). */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static void start(String args, Instrumentation inst) {
        try {
            Config config = Config.load(args);
            if (!config.mode().checks() && !BootstrapJar.onBootstrapPath()) {
                return; // nothing to switch off, and nothing to define for it
            }
            BootstrapJar.append(inst);
            Installer.install(config, inst);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println("netns-guard: not installed because of the configuration error above;"
                    + " the application runs without the guard");
        } catch (Throwable e) {
            System.err.println("netns-guard: not installed: " + e
                    + "; the application runs without the guard");
        }
    }
}
