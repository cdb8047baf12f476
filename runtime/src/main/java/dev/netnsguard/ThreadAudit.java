package dev.netnsguard;

import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.nsfs.NsLinks;
import dev.netnsguard.internal.scope.GuardLink;
import dev.netnsguard.internal.scope.NamespaceEntry;
import dev.netnsguard.internal.scope.ThreadNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link NetNS#auditThreads()}: every OS thread of this JVM, from {@code /proc/self/task}. Java
 * threads are matched exactly where the tid is known (the caller, threads netns-guard switched)
 * and by their kernel name otherwise.
 */
final class ThreadAudit {
    private static final int COMM_BYTES = 15;

    private ThreadAudit() {}

    static List<ThreadNetNS> ofThisJvm() {
        Map<Integer, Thread> managed = NamespaceEntry.managedThreads();
        int self = Syscalls.gettid();
        Map<String, Thread> byOsName = uniqueByOsName();
        Map<Long, String> names = NsLinks.namedInodes();
        Map<Thread, Object[]> births = GuardLink.births();
        long launch = Hosts.LAUNCH.inode();
        List<ThreadNetNS> threads = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                long tid = Long.parseLong(task.getFileName().toString());
                OptionalLong inode = ThreadNamespace.inodeOf(task.resolve("ns/net"));
                String comm = readComm(task);
                if (inode.isEmpty() || comm == null) {
                    continue; // the thread ended while we listed it
                }
                Thread thread = tid == self ? Thread.currentThread() : managed.get((int) tid);
                if (thread == null) {
                    thread = byOsName.get(comm);
                }
                long ino = inode.getAsLong();
                Object[] birth = thread == null ? null : births.get(thread);
                threads.add(new ThreadNetNS(tid, comm, thread, ino, names.get(ino),
                        managed.containsKey((int) tid), ino == launch, birth == null ? null
                        : new ThreadNetNS.Birth((Long) birth[0], (Boolean) birth[1], (String) birth[2])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/task", e);
        }
        threads.sort(Comparator.comparingLong(ThreadNetNS::tid));
        return threads;
    }

    private static String readComm(Path task) throws IOException {
        try {
            return Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** Java threads by the name the kernel shows for them; names shared by several threads are left out. */
    private static Map<String, Thread> uniqueByOsName() {
        Map<String, Thread> byName = new HashMap<>();
        Map<String, Boolean> clash = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String osName = osName(thread.getName());
            if (byName.putIfAbsent(osName, thread) != null) {
                clash.put(osName, true);
            }
        }
        byName.keySet().removeAll(clash.keySet());
        return byName;
    }

    private static String osName(String javaName) {
        byte[] bytes = javaName.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= COMM_BYTES) {
            return javaName;
        }
        return new String(bytes, 0, COMM_BYTES, StandardCharsets.UTF_8).replace("\uFFFD", "");
    }
}
