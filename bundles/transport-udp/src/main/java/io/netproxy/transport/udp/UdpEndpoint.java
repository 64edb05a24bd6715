package io.netproxy.transport.udp;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A UDP socket that moves whole batches with one system call: recvmmsg fills a batch with what is queued (runs of
 * one sender's datagrams coalesced by the kernel, UDP GRO, where it can), sendmmsg sends one (runs to one peer
 * segmented by the kernel, UDP GSO, where it can). Unconnected on a server, connected to the server on a client.
 * One thread receives, any number send, each with buffers of its own.
 */
final class UdpEndpoint implements TransportEndpoint {
    private final UdpSocket socket;
    private final InetSocketAddress localAddress;
    private final SendBuffersPool sendBuffers;
    /** 1 without UDP GSO: a kernel before 4.18, or a device that cannot checksum the segments (EIO). */
    private volatile int maxSegments;
    private final boolean coalescing;

    /** The receiving thread's own. */
    private final SenderAddressCache senders = new SenderAddressCache();
    private ReceiveBuffers receiveBuffers;

    /**
     * @param segmentation whether the kernel segments what this endpoint sends (UDP_SEGMENT)
     * @param coalescing   whether the socket has UDP_GRO on
     */
    UdpEndpoint(UdpSocket socket, boolean connected, InetSocketAddress localAddress, boolean segmentation,
            boolean coalescing) {
        this.socket = socket;
        this.localAddress = localAddress;
        this.sendBuffers = new SendBuffersPool(Runtime.getRuntime().availableProcessors(),
                () -> new SendBuffers(socket.family(), connected));
        this.maxSegments = segmentation ? SendBuffers.MAX_SEGMENTS : 1;
        this.coalescing = coalescing;
    }

    @Override
    public int receive(PacketBatch batch) throws IOException {
        batch.clear();
        ReceiveBuffers buffers = receiveBuffers;
        if (buffers == null || !buffers.fits(batch)) {
            buffers = new ReceiveBuffers(batch.capacity(), ReceiveBuffers.room(batch), coalescing);
            receiveBuffers = buffers;
        }
        while (true) {
            if (buffers.drained()) {
                buffers.received(socket.receive(buffers.messages(), buffers.messageCount()));
            } else {
                socket.checkOpen();
            }
            int kept = buffers.moveInto(batch, senders);
            if (kept > 0) {
                return kept;
            }
            // every datagram of that call was too long for the batch and dropped: wait for the next
        }
    }

    @Override
    public void send(PacketBatch batch) throws IOException {
        SendBuffers buffers = sendBuffers.take();
        try {
            buffers.fill(batch, 0, maxSegments);
            sendAll(buffers, batch);
        } finally {
            sendBuffers.give(buffers);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        SendBuffers buffers = sendBuffers.take();
        try {
            buffers.fill(buf, off, len, to);
            sendAll(buffers, null);
        } finally {
            sendBuffers.give(buffers);
        }
    }

    /**
     * Calls sendmmsg until every message went out or was refused. A refused datagram is lost like any UDP datagram
     * and the rest still go; the caller learns of it afterwards. A refused segmented message is sent again as
     * single datagrams, from {@code batch}, the one the buffers were filled from (null for a single datagram).
     */
    private void sendAll(SendBuffers buffers, PacketBatch batch) throws IOException {
        int next = 0;
        int refused = 0;
        int firstRefusal = 0;
        while (next < buffers.count()) {
            int sent = socket.send(buffers.messages(next), buffers.count() - next);
            if (sent > 0) {
                next += sent;
            } else if (buffers.datagrams(next) > 1) {
                // EIO: the device cannot checksum segments, which will not change; others (a path MTU below the
                // segment size) concern this destination, and a datagram sent alone may still go or be refused alone
                if (-sent == Errno.EIO) {
                    maxSegments = 1;
                }
                buffers.fill(batch, buffers.firstSlot(next), 1);
                next = 0;
            } else {
                refused++;
                next++;
                if (firstRefusal == 0) {
                    firstRefusal = -sent;
                }
            }
        }
        if (refused > 0) {
            int datagrams = batch == null ? 1 : batch.size();
            SocketException cause = Errno.exception("sendmmsg", firstRefusal);
            SocketException failure = new SocketException(refused + " of " + datagrams
                    + " datagrams not sent; the first: " + cause.getMessage());
            failure.initCause(cause);
            throw failure;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Also wakes the receiving thread, which then gets an {@link java.nio.channels.AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
