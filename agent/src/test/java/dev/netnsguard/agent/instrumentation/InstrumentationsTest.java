package dev.netnsguard.agent.instrumentation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The list of units is the one source of the coverage table and of the self-test's required types. */
class InstrumentationsTest {
    private static final Path AGENT_DOC = Path.of(System.getProperty("netnsguard.root", ".."), "docs", "agent.md");

    @Test
    void theDocsCoverageTableIsTheUnits() throws IOException {
        List<String> lines = Files.readAllLines(AGENT_DOC);
        int heading = lines.indexOf("## Coverage of JDK entry points");
        assertTrue(heading >= 0, "docs/agent.md has the coverage section");
        List<String> table = new ArrayList<>();
        for (int i = heading + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("|")) {
                table.add(line);
            } else if (!table.isEmpty()) {
                break;
            }
        }
        assertEquals(String.join("\n", Instrumentations.coverageTable()), String.join("\n", table),
                "docs/agent.md's coverage table must be what the units say (print Instrumentations.coverageTable())");
    }

    @Test
    void oneUnitPerTypeAndEveryRequiredTypeIsAJdkType() {
        Set<String> types = new HashSet<>();
        for (TypeInstrumentation unit : Instrumentations.ALL) {
            assertTrue(types.add(unit.type()), "two units for " + unit.type());
        }
        assertEquals(List.of("sun.nio.ch.Net", "sun.nio.ch.DatagramChannelImpl", "java.net.InetAddress", "java.lang.ProcessImpl"),
                Instrumentations.required());
    }

    @Test
    void everyUnitAdvisesItsOwnTypeOnly() {
        for (TypeInstrumentation unit : Instrumentations.ALL) {
            GuardTransformer t = new GuardTransformer();
            unit.apply(t);
            Set<String> named = unit.hierarchyTransformer() == null ? Set.of(unit.type()) : Set.of();
            assertEquals(named, t.targets(), unit.getClass().getSimpleName());
        }
    }
}
