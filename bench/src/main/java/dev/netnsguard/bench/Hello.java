package dev.netnsguard.bench;

/** The hello-world JVM whose startup {@link StartupMain} times. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
