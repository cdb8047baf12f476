package dev.netnsguard.netlink;

/**
 * The numbers of the netlink and rtnetlink protocols, as in {@code <linux/netlink.h>},
 * {@code <linux/rtnetlink.h>}, {@code <linux/if_link.h>}, {@code <linux/if_addr.h>}, {@code <linux/veth.h>}.
 * They are part of the kernel's ABI, so copying them here is safe.
 */
final class Rtnl {
    private Rtnl() {}

    static final int NLMSG_HDRLEN = 16;
    static final int NLA_HDRLEN = 4;
    static final int NLA_ALIGNTO = 4;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR: extended-ack attributes follow the echoed header. */
    static final int NLM_F_ACK_TLVS = 0x200;
    /** In an NLMSG_ERROR: the request's payload is not echoed, only its header. */
    static final int NLM_F_CAPPED = 0x100;

    static final int NLMSGERR_ATTR_MSG = 1;

    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int IFF_UP = 0x1;
    static final int IFF_LOWER_UP = 0x10000;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_PID = 19;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int VETH_INFO_PEER = 1;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_NODAD = 0x02;
    static final int IFA_F_DADFAILED = 0x08;
    static final int IFA_F_TENTATIVE = 0x40;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_TABLE = 15;

    static final int RT_TABLE_MAIN = 254;
    static final int RTPROT_STATIC = 4;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_SITE = 200;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_HOST = 254;
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RTN_UNSPEC = 0;
    static final int RTN_UNICAST = 1;
    static final int RTM_F_CLONED = 0x200;

    static final int SIZEOF_IFINFOMSG = 16;
    static final int SIZEOF_IFADDRMSG = 8;
    static final int SIZEOF_RTMSG = 12;
    static final int SIZEOF_NLMSGERR = 4 + NLMSG_HDRLEN;

    /** Rounds {@code length} up to the 4-byte boundary netlink headers and attributes start on. */
    static int align(int length) {
        return (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
    }
}
