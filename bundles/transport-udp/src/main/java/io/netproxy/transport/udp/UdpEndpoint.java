package io.netproxy.transport.udp;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A UDP socket that moves whole batches with one system call: recvmmsg fills a batch with what is queued,
 * sendmmsg sends one. Unconnected on a server, connected to the server on a client. One thread receives, any
 * number send, each with buffers of its own.
 */
final class UdpEndpoint implements TransportEndpoint {
    private final UdpSocket socket;
    private final InetSocketAddress localAddress;
    private final SendBuffersPool sendBuffers;

    /** The receiving thread's own. */
    private final SenderAddressCache senders = new SenderAddressCache();
    private ReceiveBuffers receiveBuffers;

    UdpEndpoint(UdpSocket socket, boolean connected, InetSocketAddress localAddress) {
        this.socket = socket;
        this.localAddress = localAddress;
        this.sendBuffers = new SendBuffersPool(Runtime.getRuntime().availableProcessors(),
                () -> new SendBuffers(socket.family(), connected));
    }

    @Override
    public int receive(PacketBatch batch) throws IOException {
        batch.clear();
        ReceiveBuffers buffers = receiveBuffers;
        if (buffers == null || !buffers.fits(batch)) {
            buffers = new ReceiveBuffers(batch.capacity(), ReceiveBuffers.room(batch));
            receiveBuffers = buffers;
        }
        while (true) {
            int received = socket.receive(buffers.messages(), buffers.slots());
            int kept = buffers.moveInto(batch, received, senders);
            if (kept > 0) {
                return kept;
            }
            // every datagram of that call was too long for the batch and dropped: wait for the next
        }
    }

    @Override
    public void send(PacketBatch batch) throws IOException {
        int bytes = 0;
        for (int slot = 0; slot < batch.size(); slot++) {
            bytes += batch.length(slot);
        }
        SendBuffers buffers = sendBuffers.take();
        try {
            buffers.reset(batch.size(), bytes);
            for (int slot = 0; slot < batch.size(); slot++) {
                buffers.add(batch.buffer(slot), batch.offset(slot), batch.length(slot), batch.address(slot));
            }
            sendAll(buffers);
        } finally {
            sendBuffers.give(buffers);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        SendBuffers buffers = sendBuffers.take();
        try {
            buffers.reset(1, len);
            buffers.add(buf, off, len, to);
            sendAll(buffers);
        } finally {
            sendBuffers.give(buffers);
        }
    }

    /**
     * Calls sendmmsg until every datagram went out or was refused. A refusal concerns that datagram alone (no route
     * to its peer, too long, a firewall): it is lost like any UDP datagram and the rest still go; the caller learns
     * of it afterwards.
     */
    private void sendAll(SendBuffers buffers) throws IOException {
        int count = buffers.count();
        int next = 0;
        int refused = 0;
        SocketException firstRefusal = null;
        while (next < count) {
            try {
                next += socket.send(buffers.messages(next), count - next);
            } catch (SocketException e) {
                refused++;
                next++;
                if (firstRefusal == null) {
                    firstRefusal = e;
                }
            }
        }
        if (firstRefusal != null) {
            SocketException failure = new SocketException(refused + " of " + count + " datagrams not sent; the first: "
                    + firstRefusal.getMessage());
            failure.initCause(firstRefusal);
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
