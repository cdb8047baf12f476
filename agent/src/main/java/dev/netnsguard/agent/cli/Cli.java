package dev.netnsguard.agent.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.tools.attach.VirtualMachine;

import dev.netnsguard.internal.nsfs.NsLinks;

/**
 * {@code java -jar netns-guard-agent.jar attach <pid> [key=value,...]} and
 * {@code java -jar netns-guard-agent.jar threads <pid>}.
 */
public final class Cli {
    private static final Pattern NID = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|\\d+)");

    private Cli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length >= 2 && args[0].equals("attach")) {
            return attach(args[1], args.length > 2 ? args[2] : "", out, err);
        }
        if (args.length == 2 && args[0].equals("threads")) {
            return threads(args[1], out, err);
        }
        err.println("usage: java -jar netns-guard-agent.jar attach <pid> [key=value,...]");
        err.println("       java -jar netns-guard-agent.jar threads <pid>");
        return 2;
    }

    private static int attach(String pid, String options, PrintStream out, PrintStream err) {
        try {
            File jar = new File(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                vm.loadAgent(jar.getAbsolutePath(), options);
            } finally {
                vm.detach();
            }
            out.println("netns-guard: agent loaded into " + pid + (options.isEmpty() ? "" : " with " + options)
                    + "; its own messages (if any) are on that JVM's stderr");
            return 0;
        } catch (Exception e) {
            err.println("netns-guard: cannot attach to " + pid + ": " + e);
            return 1;
        }
    }

    /** The namespace behind an ns link, or 0 if it cannot be read (a thread that ended meanwhile). */
    private static long inodeOf(Path link) {
        try {
            return NsLinks.inodeOf(link);
        } catch (java.io.IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** Lists every thread of {@code pid} with its namespace, flagging those not in its launch namespace. */
    static int threads(String pid, PrintStream out, PrintStream err) {
        Path proc = Path.of("/proc", pid);
        long launch = inodeOf(proc.resolve("ns/net"));
        if (launch == 0) {
            err.println("netns-guard: no process " + pid + " (or its namespace cannot be read)");
            return 1;
        }
        Map<Long, String> names = NsLinks.namedInodes();
        Map<Long, String> javaNames = javaThreadNames(pid);
        List<long[]> rows = new ArrayList<>();
        List<String> comms = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                long tid = Long.parseLong(task.getFileName().toString());
                long inode = inodeOf(task.resolve("ns/net"));
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (inode == 0) {
                    continue;
                }
                rows.add(new long[] {tid, inode});
                comms.add(comm);
            }
        } catch (IOException e) {
            err.println("netns-guard: cannot list the threads of " + pid + ": " + e);
            return 1;
        }
        out.println("JVM " + pid + ", launch namespace " + describe(launch, names));
        Map<String, String[]> births = births(pid);
        out.printf("%-8s %-40s %-6s %s%n", "TID", "NAMESPACE", "FLAG", "THREAD");
        int strays = 0;
        int likelyStrays = 0;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(rows.get(a)[0], rows.get(b)[0]));
        for (int i : order) {
            long tid = rows.get(i)[0];
            long inode = rows.get(i)[1];
            boolean other = inode != launch;
            strays += other ? 1 : 0;
            String name = javaNames.getOrDefault(tid, comms.get(i));
            String[] birth = births.get(name);
            boolean stray = other && birth != null && Boolean.parseBoolean(birth[2]) && looksPooled(name);
            likelyStrays += stray ? 1 : 0;
            String born = birth == null ? "" : "   [born in " + describe(Long.parseLong(birth[1]), names)
                    + (Boolean.parseBoolean(birth[2]) ? " inside a scope" : "") + ", started by \"" + birth[3] + "\"]";
            out.printf("%-8d %-40s %-6s %s%s%n", tid, describe(inode, names), stray ? "STRAY" : other ? "OTHER" : "", name, born);
        }
        out.println(rows.size() + " threads, " + strays + " not in the launch namespace"
                + (likelyStrays > 0 ? ", " + likelyStrays + " of them pool threads born inside a scope (STRAY)" : ""));
        return 0;
    }

    /** Pool workers and carriers, by the JDK's and common libraries' naming. */
    static boolean looksPooled(String name) {
        return name.matches("pool-\\d+-thread-\\d+") || name.startsWith("ForkJoinPool") || name.startsWith("HttpClient-")
                || name.contains("-worker-") || name.contains("Executor");
    }

    /**
     * Where the target's threads born outside its launch namespace were born, by thread name
     * (name, inode, inScope, creator), from the agent's system property read with jcmd; empty without
     * the agent or where that fails.
     */
    private static Map<String, String[]> births(String pid) {
        Map<String, String[]> births = new HashMap<>();
        String prefix = dev.netnsguard.agent.bootstrap.Births.PROPERTY + "=";
        for (String line : jcmd(pid, "VM.system_properties").split("\n")) {
            if (line.startsWith(prefix)) {
                String value = line.substring(prefix.length()).replace("\\", ""); // properties escapes
                for (String entry : value.split("/")) {
                    String[] f = entry.split(",");
                    if (f.length == 4) {
                        for (int i = 0; i < 4; i++) {
                            f[i] = java.net.URLDecoder.decode(f[i], StandardCharsets.UTF_8);
                        }
                        births.put(f[0], f);
                    }
                }
            }
        }
        return births;
    }

    private static String describe(long inode, Map<Long, String> names) {
        String name = names.get(inode);
        return name == null ? NsLinks.format(inode) : name + " " + NsLinks.format(inode);
    }

    /** Full Java thread names by OS thread id, from {@code jcmd <pid> Thread.print}; empty if that fails. */
    private static Map<Long, String> javaThreadNames(String pid) {
        Map<Long, String> names = new HashMap<>();
        for (String line : jcmd(pid, "Thread.print").split("\n")) {
            Matcher m = NID.matcher(line);
            if (m.find()) {
                String nid = m.group(2);
                long tid = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
                names.put(tid, m.group(1));
            }
        }
        return names;
    }

    /**
     * What {@code jcmd <pid> <command>} of this JDK prints, or the empty string where it cannot be
     * run or does not answer within 30 seconds: the commands degrade to /proc-only output then.
     */
    private static String jcmd(String pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return "";
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return output;
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
