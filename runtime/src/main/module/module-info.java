/**
 * netns-guard's runtime: open, create, name and delete Linux network namespaces and run code inside
 * them ({@link dev.netnsguard.NetNS}), and configure them over rtnetlink ({@link dev.netnsguard.netlink.Netlink}).
 *
 * <p>Only {@code dev.netnsguard} and {@code dev.netnsguard.netlink} are API. The scope state the guard
 * reads, the namespace threads and the system calls live in {@code dev.netnsguard.internal.*}, which
 * this module does not export; on the class path the same classes refuse the calls that could make
 * the guard expect a namespace nobody entered.
 */
module dev.netnsguard.runtime {
    requires com.sun.jna;

    exports dev.netnsguard;
    exports dev.netnsguard.netlink;

    // JNA implements the system-call interfaces with proxies and reads their structures reflectively.
    opens dev.netnsguard.internal.linux to com.sun.jna;
}
