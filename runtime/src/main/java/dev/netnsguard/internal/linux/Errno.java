package dev.netnsguard.internal.linux;

/**
 * Names and texts of errno values, so that every error netns-guard reports says both
 * ({@code ENOENT (No such file or directory)}) instead of a bare number.
 */
public final class Errno {
    private Errno() {}

    /** The symbolic name, such as {@code "EPERM"}, or {@code "errno 123"} where the C library has none. */
    public static String name(int errno) {
        String name = LibC.strerrorname_np(errno);
        return name != null ? name : "errno " + errno;
    }

    /** The C library's text for the value, such as {@code "Operation not permitted"}. */
    public static String text(int errno) {
        return LibC.strerror(errno);
    }

    /** Name and text together: {@code "EPERM (Operation not permitted)"}. */
    public static String describe(int errno) {
        return name(errno) + " (" + text(errno) + ")";
    }
}
