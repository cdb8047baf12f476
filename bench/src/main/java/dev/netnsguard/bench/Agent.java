package dev.netnsguard.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where the agent jar is and how the benchmarks attach it; only needed at run time. */
final class Agent {
    static final String JAR_NAME = "netns-guard-agent.jar";

    private Agent() {}

    /**
     * The agent jar: {@code -Dngbench.agent=PATH} if given, else {@code agent/target/netns-guard-agent.jar}
     * of the checkout this benchmarks jar was built in (found by walking up from the jar), else
     * {@code ../agent/target/netns-guard-agent.jar} from the current directory.
     */
    static Optional<Path> jar() {
        String given = System.getProperty("ngbench.agent");
        if (given != null && !given.isEmpty()) {
            Path p = Path.of(given).toAbsolutePath();
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try {
            Path here = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = here.getParent(); dir != null; dir = dir.getParent()) {
                candidates.add(dir.resolve("agent/target/" + JAR_NAME));
            }
        } catch (URISyntaxException | RuntimeException unknownLocation) {
            // fall through to the working directory
        }
        candidates.add(Path.of("../agent/target/" + JAR_NAME).toAbsolutePath().normalize());
        candidates.add(Path.of("agent/target/" + JAR_NAME).toAbsolutePath());
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * The JVM option that attaches the agent in {@code mode}; {@code -Dngbench.agent.options=...}
     * (a template where {@code {mode}} is replaced) changes the agent arguments. A mode may carry extra
     * agent options after {@code +}: {@code report+self-test=off}.
     */
    static String javaagentOption(Path jar, String mode) {
        String template = System.getProperty("ngbench.agent.options", "mode={mode}");
        // "report+self-test=off" is mode report with the extra agent option self-test=off
        String[] parts = mode.split("\\+");
        StringBuilder options = new StringBuilder(template.replace("{mode}", parts[0]));
        for (int i = 1; i < parts.length; i++) {
            options.append(',').append(parts[i]);
        }
        return "-javaagent:" + jar + "=" + options;
    }
}
