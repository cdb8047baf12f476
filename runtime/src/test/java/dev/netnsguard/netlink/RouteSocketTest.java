package dev.netnsguard.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netnsguard.NetNSClosedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The socket layer: where the socket lives, missing replies, sequence numbers across requests. */
class RouteSocketTest extends BlueNamespace {
    @Test
    void theSocketLivesInTheNamespaceOfTheThreadThatOpenedIt() throws Exception {
        String inside = blue.call(host -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
        try (RouteSocket socket = namespaces.closeLater(blue.call(host -> RouteSocket.openOnCurrentThread()))) {
            assertEquals("net:[" + blue.inode() + "]", inside);
            assertEquals(inside, socket.namespace());
            // Used from this thread (launch namespace), it still sees blue: only lo.
            List<Message> links = socket.dump("list links", LinkMessages.dump());
            assertEquals(1, links.size());
            assertEquals("lo", LinkMessages.decode(links.get(0)).orElseThrow().name());
        }
    }

    @Test
    void aMissingReplyFailsTheRequestInsteadOfBlockingAndTheSocketStaysUsable() throws Exception {
        try (RouteSocket socket = blue.call(host -> RouteSocket.openOnCurrentThread())) {
            socket.receiveTimeout(200);
            // Without NLM_F_ACK the kernel answers a successful change with silence.
            MessageWriter silent = new MessageWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST)
                    .ifinfomsg(Rtnl.AF_UNSPEC, 0, 1, 0, 0);
            NetlinkProtocolException e = assertThrows(NetlinkProtocolException.class,
                    () -> socket.request("silent request", silent));
            assertTrue(e.getMessage().contains("no reply from the kernel within 200 ms"), e.getMessage());
            assertEquals(1, socket.dump("list links", LinkMessages.dump()).size());
        }
    }

    @Test
    void manyRequestsInARowEachGetTheirOwnReply() {
        for (int i = 0; i < 500; i++) {
            assertEquals("lo", nl.link(1).name());
        }
    }

    @Test
    void closingTheSocketIsIdempotentAndLaterRequestsAreRefused() {
        RouteSocket socket = blue.call(host -> RouteSocket.openOnCurrentThread());
        socket.close();
        socket.close();
        assertTrue(socket.isClosed());
        assertThrows(NetNSClosedException.class, () -> socket.dump("list links", LinkMessages.dump()));
        assertThrows(NetNSClosedException.class, () -> socket.receiveTimeout(100));
    }
}
