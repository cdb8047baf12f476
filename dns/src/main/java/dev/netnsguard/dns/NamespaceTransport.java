package dev.netnsguard.dns;

import dev.netnsguard.NetNS;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.io.IoClientFactory;
import org.xbill.DNS.io.TcpIoClient;
import org.xbill.DNS.io.UdpIoClient;

/**
 * dnsjava's transport for one namespace: every query goes out on a channel created inside that
 * namespace ({@link NetNS#openDatagramChannel}, {@link NetNS#openSocketChannel}), whichever thread
 * dnsjava asks from (the resolving thread, or the one retrying over TCP after a truncated answer).
 *
 * <p>dnsjava's own NIO clients are not used: they open the channel on the calling thread and run one
 * selector thread for the whole JVM, started by whichever thread queries first. Started from inside
 * a namespace, that thread would live there for good, keep the namespace alive after its deletion
 * and inherit the scope of the code that happened to query first. Here each exchange is blocking,
 * bounded by dnsjava's per-query timeout, on the thread that asks, and completes the future before
 * returning.
 */
final class NamespaceTransport implements IoClientFactory, UdpIoClient, TcpIoClient {
    private final NetNS ns;

    NamespaceTransport(NetNS ns) {
        this.ns = ns;
    }

    @Override
    public TcpIoClient createOrGetTcpClient() {
        return this;
    }

    @Override
    public UdpIoClient createOrGetUdpClient() {
        return this;
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceiveUdp(InetSocketAddress local, InetSocketAddress remote,
            Message query, byte[] data, int max, Duration timeout) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        try {
            answer.complete(udp(local, remote, query.getHeader().getID(), data, max, deadline(timeout)));
        } catch (IOException | RuntimeException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    @Override
    public CompletableFuture<byte[]> sendAndReceiveTcp(InetSocketAddress local, InetSocketAddress remote,
            Message query, byte[] data, Duration timeout) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        try {
            answer.complete(tcp(local, remote, data, deadline(timeout)));
        } catch (IOException | RuntimeException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    private byte[] udp(InetSocketAddress local, InetSocketAddress remote, int id, byte[] data, int max,
            long deadline) throws IOException {
        try (DatagramChannel channel = ns.openDatagramChannel(familyOf(remote))) {
            if (local != null) {
                channel.bind(local);
            }
            channel.connect(remote);
            channel.write(ByteBuffer.wrap(data));
            DatagramSocket socket = channel.socket();
            byte[] buffer = new byte[max];
            while (true) {
                socket.setSoTimeout(millisLeft(deadline, remote));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                // A stray datagram with another id (a late answer to an earlier query) is not the answer.
                if (packet.getLength() >= 2 && ((buffer[0] & 0xff) << 8 | (buffer[1] & 0xff)) == id) {
                    return Arrays.copyOf(buffer, packet.getLength());
                }
            }
        }
    }

    private byte[] tcp(InetSocketAddress local, InetSocketAddress remote, byte[] data, long deadline)
            throws IOException {
        try (SocketChannel channel = ns.openSocketChannel(familyOf(remote))) {
            if (local != null) {
                channel.bind(local);
            }
            Socket socket = channel.socket();
            socket.connect(remote, millisLeft(deadline, remote));
            ByteBuffer out = ByteBuffer.allocate(2 + data.length).putShort((short) data.length).put(data).flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            InputStream in = socket.getInputStream();
            byte[] length = readFully(in, socket, 2, deadline, remote);
            return readFully(in, socket, (length[0] & 0xff) << 8 | (length[1] & 0xff), deadline, remote);
        }
    }

    private static byte[] readFully(InputStream in, Socket socket, int n, long deadline, InetSocketAddress remote)
            throws IOException {
        byte[] bytes = new byte[n];
        int read = 0;
        while (read < n) {
            socket.setSoTimeout(millisLeft(deadline, remote));
            int r = in.read(bytes, read, n - read);
            if (r < 0) {
                throw new EOFException("nameserver " + remote + " closed the TCP connection after " + read
                        + " of " + n + " bytes");
            }
            read += r;
        }
        return bytes;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static int millisLeft(long deadline, InetSocketAddress remote) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("nameserver " + remote + " did not answer in time");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static ProtocolFamily familyOf(InetSocketAddress remote) {
        return remote.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }
}
