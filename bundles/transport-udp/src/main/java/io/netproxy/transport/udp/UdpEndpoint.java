package io.netproxy.transport.udp;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A blocking {@link DatagramChannel}: unconnected on a server, connected to the server on a client.
 * One thread receives while any number send; the channel's own locks keep them apart.
 */
final class UdpEndpoint implements TransportEndpoint {
    private final DatagramChannel channel;
    private final boolean connected;
    private final InetSocketAddress localAddress;

    /** The receiving thread reuses one wrapper as long as the batch hands it the same array. */
    private byte[] receiveArray;
    private ByteBuffer receiveBuffer;

    UdpEndpoint(DatagramChannel channel, boolean connected, InetSocketAddress localAddress) {
        this.channel = channel;
        this.connected = connected;
        this.localAddress = localAddress;
    }

    @Override
    public int receive(PacketBatch batch) throws IOException {
        // One datagram per call for now; a recvmmsg backend can fill the rest of the batch later.
        batch.clear();
        int headroom = batch.headroom();
        ByteBuffer dst = receiveBuffer(batch.buffer(0));
        dst.limit(batch.bufferSize()).position(headroom);
        // A datagram longer than the room left is cut short by the kernel; the AEAD then drops it.
        InetSocketAddress sender = receiveInto(dst);
        batch.set(0, headroom, dst.position() - headroom, sender);
        batch.setSize(1);
        return 1;
    }

    private InetSocketAddress receiveInto(ByteBuffer dst) throws IOException {
        while (true) {
            try {
                return (InetSocketAddress) channel.receive(dst);
            } catch (PortUnreachableException e) {
                // A connected socket reports an ICMP error for an earlier datagram on its next call. The server
                // may just not be up yet; keep waiting like any UDP peer would.
            }
        }
    }

    private ByteBuffer receiveBuffer(byte[] array) {
        if (array != receiveArray) {
            receiveArray = array;
            receiveBuffer = ByteBuffer.wrap(array);
        }
        return receiveBuffer;
    }

    @Override
    public void send(PacketBatch batch) throws IOException {
        for (int slot = 0; slot < batch.size(); slot++) {
            send(batch.buffer(slot), batch.offset(slot), batch.length(slot), batch.address(slot));
        }
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(buf, off, len);
        try {
            if (connected) {
                channel.write(src);
            } else {
                channel.send(src, to);
            }
        } catch (PortUnreachableException e) {
            // An ICMP error for an earlier datagram (connected sockets only); UDP is lossy, count it as lost.
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Also wakes the receiving thread, which then gets an {@link java.nio.channels.AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
