package dev.netnsguard;

import dev.netnsguard.internal.scope.Scopes;
import dev.netnsguard.testing.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's machinery is not API: a modular application sees {@code dev.netnsguard} and
 * {@code dev.netnsguard.netlink} only, and on the class path the calls that would make the guard expect
 * a namespace nobody entered are refused.
 */
class SealedInternalsTest {
    private static final Path CLASSES = Path.of(NetNS.class.getProtectionDomain().getCodeSource().getLocation().getPath());

    @Test
    void onTheClassPathOnlyNetNSMayOpenScopes() {
        IllegalCallerException refused = assertThrows(IllegalCallerException.class, () -> Scopes.control());
        assertTrue(refused.getMessage().contains(SealedInternalsTest.class.getName()), refused.getMessage());
    }

    @Test
    void aModularApplicationCannotReachTheInternals(@TempDir Path dir) throws IOException {
        String error = compileProbe(dir, "import dev.netnsguard.internal.scope.Scopes;\n"
                + "public class Main { public static void main(String[] a) { Scopes.current(); } }\n");
        assertTrue(error.contains("package dev.netnsguard.internal.scope is not visible")
                || error.contains("does not export dev.netnsguard.internal.scope"), error);
    }

    @Test
    void aModularApplicationUsesTheApiOnTheModulePath(@TempDir Path dir) throws IOException {
        String error = compileProbe(dir, "import dev.netnsguard.NetNS;\n"
                + "public class Main { public static void main(String[] a) {\n"
                + "  try (NetNS ns = NetNS.current()) { System.out.println(\"inode=\" + ns.inode()); }\n"
                + "} }\n");
        assertEquals("", error);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--module-path", modulePath(),
                "--add-modules", "dev.netnsguard.runtime", "-cp", dir.resolve("out").toString()));
        if (Runtime.version().feature() >= 22) {
            command.add(1, "--enable-native-access=com.sun.jna"); // JNA is a named module here
        }
        command.add("probe.Main");
        String output = Commands.run(command.toArray(new String[0]));
        assertEquals("inode=" + NetNS.launch().inode(), output.strip());
    }

    /** Compiles {@code source} as class probe.Main of an application that requires the runtime module; returns the errors. */
    private static String compileProbe(Path dir, String source) throws IOException {
        Path src = dir.resolve("src/probe/Main.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package probe;\n" + source);
        String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
        Commands.Result result = Commands.tryRun(javac, "--module-path", modulePath(), "--add-modules",
                "dev.netnsguard.runtime", "-d", dir.resolve("out").toString(), src.toString());
        return result.exitCode == 0 ? "" : result.output;
    }

    /** The runtime's classes (with their module-info) and JNA, as a module path. */
    private static String modulePath() {
        String jna = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Path.of(entry).getFileName().toString().startsWith("jna-"))
                .collect(Collectors.joining(File.pathSeparator));
        return CLASSES + File.pathSeparator + jna;
    }
}
