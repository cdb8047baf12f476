package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report file of a root JVM: created owner-only, never written through a symbolic link or a file
 * planted by someone else, and a path that cannot be written (an unwritable place, a full disk) costs the
 * application nothing: it runs, the guard says once on stderr what it could not do, and no file outside
 * the given path is touched. The violation is real: a thread moved by a raw setns opens a socket
 * ({@link NoRuntimeMain}), twice, so "once" is tested.
 */
class ReportFileIT {
    @RegisterExtension
    static final NamedNamespace NS = new NamedNamespace("ngtest-ag-rf-");

    private static ForkedJvm.Result run(String reportFile, String... wrapper) throws Exception {
        ForkedJvm jvm = ForkedJvm.withAgent("mode=report,log=none,report-file=" + reportFile).withoutRuntime()
                .jvmArg(ForkedJvm.FEATURE >= 21 ? "--enable-native-access=ALL-UNNAMED" : "-Dngtest=1");
        List<String> cmd = new ArrayList<>(List.of(wrapper));
        cmd.addAll(jvm.command(NoRuntimeMain.class.getName(), NS.path(), "twice"));
        return jvm.run(cmd).ok();
    }

    @Test
    void aNewReportFileIsOwnerOnly(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("violations.jsonl");
        ForkedJvm.Result r = run(report.toString());
        assertEquals("ran", r.get("outcome"), r.toString());
        assertEquals(2, Files.readAllLines(report).size(), r.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report)));
    }

    @Test
    void aSymbolicLinkPlantedAtThePathIsNotFollowed(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched\n");
        Path report = Files.createSymbolicLink(dir.resolve("violations.jsonl"), victim);
        ForkedJvm.Result r = run(report.toString());
        assertEquals("ran", r.get("outcome"), r.toString());
        assertEquals("untouched\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(report));
        assertOnce(r, "cannot write the report file " + report + ": refused, it is a symbolic link");
    }

    @Test
    void aPathThatCannotBeWrittenIsSaidOnce(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain"), "");
        ForkedJvm.Result r = run(notADirectory.resolve("violations.jsonl").toString());
        assertEquals("ran", r.get("outcome"), r.toString());
        assertOnce(r, "cannot write the report file " + notADirectory.resolve("violations.jsonl"));
        assertEquals("", Files.readString(notADirectory));
    }

    @Test
    void aFullDiskIsSaidOnce(@TempDir Path dir) throws Exception {
        // A tiny tmpfs in a mount namespace of the forked JVM's own: the machine's mounts stay as they are.
        Path mountPoint = Files.createDirectory(dir.resolve("tiny"));
        Path report = mountPoint.resolve("violations.jsonl");
        ForkedJvm.Result r = run(report.toString(), "unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=4k tmpfs \"$0\" && head -c 4096 /dev/zero > \"$0/filler\" 2>/dev/null; exec \"$@\"",
                mountPoint.toString());
        assertEquals("ran", r.get("outcome"), r.toString());
        assertOnce(r, "cannot write the report file " + report + ": java.io.IOException: No space left on device");
        assertFalse(Files.exists(report), "the tmpfs went away with the forked JVM's mount namespace");
    }

    private static void assertOnce(ForkedJvm.Result r, String message) {
        long lines = r.stderr().lines().filter(l -> l.startsWith("netns-guard: " + message)).count();
        assertEquals(1, lines, "said once: " + message + "\n" + r);
        assertEquals(1, r.stderr().lines().filter(l -> l.startsWith("netns-guard: ")).count(), "nothing else: " + r);
    }
}
