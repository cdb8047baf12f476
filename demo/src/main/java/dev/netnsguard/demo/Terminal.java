package dev.netnsguard.demo;

import java.io.PrintStream;

/**
 * Output for people: aligned steps, coloured where the terminal supports it, plain when piped or
 * when {@code NO_COLOR} is set (https://no-color.org).
 */
final class Terminal {
    private static final String RESET = "\u001b[0m";

    private final PrintStream out;
    private final boolean colour;

    Terminal(PrintStream out) {
        this.out = out;
        String term = System.getenv("TERM");
        this.colour = System.console() != null && System.getenv("NO_COLOR") == null
                && term != null && !term.equals("dumb");
    }

    void title(String text) {
        out.println(style("1", text));
    }

    void section(String text) {
        out.println();
        out.println(style("1;34", "== " + text));
    }

    /** One step: a label padded to a column, then what happened. */
    void step(String label, String result) {
        out.printf("  %-50s %s%n", label, result);
    }

    void ok(String label, String result) {
        step(label, style("32", "ok") + "  " + result);
    }

    /** A bug the guard dealt with: {@code verdict} is "caught" (reported) or "thrown" (strict mode). */
    void flagged(String label, String verdict, String result) {
        step(label, style("33", verdict) + "  " + result);
    }

    void failed(String label, String result) {
        step(label, style("31", "FAILED") + "  " + result);
    }

    /** A row of the summary table. */
    void row(String first, String second, String third) {
        out.printf("  %-50s %-15s %s%n", first, second, third);
    }

    /** An indented detail line under a step: {@code what: ...}. */
    void detail(String key, String value) {
        out.printf("      %-9s %s%n", key, style("2", value));
    }

    void note(String text) {
        out.println("  " + style("2", text));
    }

    void line(String text) {
        out.println(text);
    }

    private String style(String code, String text) {
        return colour ? "\u001b[" + code + "m" + text + RESET : text;
    }
}
