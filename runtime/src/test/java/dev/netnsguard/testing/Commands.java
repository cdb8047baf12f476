package dev.netnsguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command (iproute2, mostly) as an independent oracle and returns what it printed. */
public final class Commands {
    private Commands() {}

    /** Runs {@code command}, fails unless it exits 0, and returns its standard output. */
    public static String run(String... command) {
        Result result = tryRun(command);
        if (result.exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exitCode + ": " + result.output);
        }
        return result.output;
    }

    /** Runs {@code command} and returns its exit code and combined output. */
    public static Result tryRun(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }

    /** A finished command. */
    public static final class Result {
        public final int exitCode;
        public final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
