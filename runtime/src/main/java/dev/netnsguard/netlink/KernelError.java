package dev.netnsguard.netlink;

import java.nio.ByteBuffer;

/**
 * The outcome the kernel reports in an {@code NLMSG_ERROR} (an error, or with errno 0 an
 * acknowledgement) or at the end of a dump ({@code NLMSG_DONE}).
 *
 * @param errno the positive errno, or 0 for success
 * @param message the extended-ack text ({@code NLMSGERR_ATTR_MSG}), or null
 */
record KernelError(int errno, String message) {

    /** Parses {@code struct nlmsgerr}: a negative errno, the request's header, maybe its payload, maybe TLVs. */
    static KernelError parse(Message m) {
        ByteBuffer body = m.header(Rtnl.SIZEOF_NLMSGERR);
        int errno = -body.getInt(0);
        if (errno < 0) {
            throw new MalformedMessageException("NLMSG_ERROR with positive error code " + (-errno));
        }
        String text = null;
        if ((m.flags() & Rtnl.NLM_F_ACK_TLVS) != 0) {
            int echoed = (m.flags() & Rtnl.NLM_F_CAPPED) != 0 ? Rtnl.NLMSG_HDRLEN : body.getInt(4);
            // Checked before aligning: a huge echoed length would overflow the sum.
            if (echoed < Rtnl.NLMSG_HDRLEN || echoed > body.remaining() - 4
                    || 4 + Rtnl.align(echoed) > body.remaining()) {
                throw new MalformedMessageException("NLMSG_ERROR echoes " + echoed + " request bytes, only "
                        + (body.remaining() - 4) + " present");
            }
            text = Attributes.parse(body.position(4 + Rtnl.align(echoed)).slice()).string(Rtnl.NLMSGERR_ATTR_MSG).orElse(null);
        }
        return new KernelError(errno, text);
    }

    /** Parses the payload of {@code NLMSG_DONE}: an int (0, or a negative errno of a failed dump), maybe TLVs. */
    static KernelError parseDone(Message m) {
        ByteBuffer body = m.body();
        if (body.remaining() < 4) {
            // Very old kernels sent an empty NLMSG_DONE.
            return new KernelError(0, null);
        }
        int errno = -body.getInt(0);
        if (errno < 0) {
            throw new MalformedMessageException("NLMSG_DONE with positive error code " + (-errno));
        }
        String text = null;
        if ((m.flags() & Rtnl.NLM_F_ACK_TLVS) != 0) {
            text = Attributes.parse(body.position(4).slice()).string(Rtnl.NLMSGERR_ATTR_MSG).orElse(null);
        }
        return new KernelError(errno, text);
    }
}
