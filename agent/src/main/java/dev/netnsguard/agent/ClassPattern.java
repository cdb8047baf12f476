package dev.netnsguard.agent;

import java.util.regex.Pattern;

/**
 * A class name pattern of the {@code allow} and {@code propagate} options, with one meaning for both:
 * {@code com.acme.Pool} matches that class and the classes nested in it ({@code com.acme.Pool$Worker});
 * {@code com.acme.*} matches every class whose name starts with {@code com.acme.}. An allow pattern may
 * name a method too, {@code com.acme.Pool#open}. What a pattern is matched against is the option's
 * business: the frames of the offending call's stack for {@code allow}, the executor's class and its
 * superclasses for {@code propagate}.
 *
 * @param prefix  the class name, or the part before the trailing {@code *}
 * @param wildcard whether the pattern ended with {@code *}
 * @param method  the method name after {@code #}, or null for any method
 */
public record ClassPattern(String prefix, boolean wildcard, String method) {
    private static final Pattern FORM = Pattern.compile("[\\p{javaJavaIdentifierPart}.$]*\\*?(#[\\p{javaJavaIdentifierPart}$<>]+)?");

    /**
     * Parses one pattern.
     *
     * @throws IllegalArgumentException if it is not of the form {@code a.b.C}, {@code a.b.*} or {@code a.b.C#m}
     */
    public static ClassPattern parse(String text) {
        String p = text.trim();
        if (p.isEmpty() || !FORM.matcher(p).matches() || p.startsWith("#")) {
            throw new IllegalArgumentException("'" + text + "' is not a class pattern (a.b.C, a.b.* or a.b.C#method)");
        }
        int hash = p.indexOf('#');
        String cls = hash < 0 ? p : p.substring(0, hash);
        String method = hash < 0 ? null : p.substring(hash + 1);
        boolean wildcard = cls.endsWith("*");
        if (wildcard && method != null) {
            throw new IllegalArgumentException("'" + text + "': a prefix pattern (*) cannot name a method");
        }
        return new ClassPattern(wildcard ? cls.substring(0, cls.length() - 1) : cls, wildcard, method);
    }

    /** True if {@code className} (a binary name) is matched, whatever the method. */
    public boolean matchesClass(String className) {
        return wildcard ? className.startsWith(prefix)
                : className.equals(prefix) || className.startsWith(prefix) && className.charAt(prefix.length()) == '$';
    }

    /** True if the method {@code methodName} of class {@code className} is matched. */
    public boolean matches(String className, String methodName) {
        return matchesClass(className) && (method == null || method.equals(methodName));
    }

    @Override
    public String toString() {
        return prefix + (wildcard ? "*" : "") + (method == null ? "" : "#" + method);
    }
}
