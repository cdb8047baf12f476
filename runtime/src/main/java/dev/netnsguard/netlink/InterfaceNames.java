package dev.netnsguard.netlink;

import java.nio.charset.StandardCharsets;

/**
 * The kernel's rule for interface names ({@code dev_valid_name}), applied before a request is sent
 * so that a bad name is the caller's clear error instead of a kernel EINVAL.
 */
final class InterfaceNames {
    /** {@code IFNAMSIZ} is 16 including the terminating NUL. */
    static final int MAX_BYTES = 15;

    private InterfaceNames() {}

    static String check(String name) {
        if (name == null) {
            throw new IllegalArgumentException("interface name is null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("interface name is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("interface name '" + name + "' is " + bytes
                    + " bytes long; at most " + MAX_BYTES + " are allowed");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || c == 0 || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new IllegalArgumentException("interface name '" + name
                        + "' contains '" + (c == 0 ? "\\0" : String.valueOf(c))
                        + "'; names may not contain '/', ':', NUL or whitespace");
            }
        }
        return name;
    }
}
