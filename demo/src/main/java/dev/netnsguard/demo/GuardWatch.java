package dev.netnsguard.demo;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Commits each classic bug under the agent and tells what the guard did about it: the violations it
 * reported while the bug ran (on any thread), and whether strict mode threw.
 */
final class GuardWatch {
    private final Terminal terminal;
    private final boolean strict;

    GuardWatch(Terminal terminal, boolean strict) {
        this.terminal = terminal;
        this.strict = strict;
    }

    /** True if the agent is attached and running (demo/run.sh attaches it). */
    static boolean agentAttached() {
        try {
            return NetnsGuard.isInstalled();
        } catch (LinkageError notOnTheClassPath) {
            return false;
        }
    }

    /** Puts the guard in strict or report mode, without logging of its own: the demo prints the reports. */
    void configure() {
        NetnsGuard.install((strict ? "mode=strict" : "mode=report") + ",log=none");
    }

    /** Commits {@code bug} and returns the outcome. */
    Outcome watch(Bug bug, Topology network) throws Exception {
        List<Violation> seen = new ArrayList<>();
        Runnable stop = NetnsGuard.addListener(v -> {
            synchronized (seen) {
                seen.add(v);
            }
        });
        NetNSViolationError thrown = null;
        try {
            bug.commit(network);
        } catch (NetNSViolationError e) {
            thrown = e;
        } catch (ExecutionException e) {
            thrown = violationIn(e);
            if (thrown == null) {
                throw e;
            }
        } finally {
            stop.run();
        }
        List<Violation> reports;
        synchronized (seen) {
            reports = List.copyOf(seen);
        }
        Violation expected = reports.stream().filter(v -> v.kind().equals(bug.expectedKind())).findFirst()
                .orElse(reports.isEmpty() ? null : reports.get(0));
        boolean caught = expected != null && expected.kind().equals(bug.expectedKind()) && (!strict || thrown != null);
        String verdict = !caught ? "missed" : strict ? "thrown" : "caught";
        if (caught) {
            terminal.flagged(bug.label(), verdict, expected.kind());
        } else {
            terminal.failed(bug.label(), "expected " + bug.expectedKind() + ", the guard reported "
                    + (reports.isEmpty() ? "nothing" : reports.get(0).kind()));
        }
        if (expected != null) {
            describe(expected);
        }
        return new Outcome(bug, verdict, caught);
    }

    private void describe(Violation v) {
        terminal.detail("what", v.what() + " on thread \"" + v.thread() + "\""
                + (v.virtual() ? " (virtual)" : "") + (v.detail() != null ? ": " + v.detail() : ""));
        terminal.detail("expected", name(v.expectedName(), v.expected()));
        terminal.detail("actual", name(v.actualName(), v.actual()));
        terminal.detail("where", v.stack().stream().filter(f -> f.startsWith("dev.netnsguard.demo."))
                .findFirst().orElse(v.stack().isEmpty() ? "?" : v.stack().get(0)));
        terminal.detail("fix", v.fix());
    }

    private static String name(String name, long inode) {
        String known = name != null ? name : inode == NetnsGuard.launchInode() ? "the JVM's launch namespace" : null;
        return (known != null ? known + " " : "") + "net:[" + inode + "]";
    }

    private static NetNSViolationError violationIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NetNSViolationError) {
                return (NetNSViolationError) t;
            }
        }
        return null;
    }

    /** What happened to one bug. */
    static final class Outcome {
        final Bug bug;
        final String verdict;
        final boolean caught;

        Outcome(Bug bug, String verdict, boolean caught) {
            this.bug = bug;
            this.verdict = verdict;
            this.caught = caught;
        }
    }
}
