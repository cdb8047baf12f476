package dev.netnsguard.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** iproute2 as the oracle: runs {@code ip} and reads its JSON. Only ever pointed at the tests' namespaces. */
final class Ip {
    private Ip() {}

    /** {@code ip -n NS -j ARGS}, parsed: one map per link, address group or route. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> json(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace, "-j"));
        command.addAll(List.of(args));
        String out = run(command);
        if (out.isBlank()) {
            return List.of();
        }
        return (List<Map<String, Object>>) Json.parse(out);
    }

    /** Runs {@code ip -n NS ARGS} for setup the tests do not check; fails on a non-zero exit. */
    static void exec(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        run(command);
    }

    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " exited " + process.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
