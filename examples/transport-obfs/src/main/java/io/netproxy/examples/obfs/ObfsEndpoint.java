package io.netproxy.examples.obfs;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.GeneralSecurityException;
import javax.crypto.spec.SecretKeySpec;

/**
 * A blocking {@link DatagramChannel} (unconnected on a server, connected on a client) whose datagrams go through
 * an {@link ObfsCodec}. The receiving thread has a codec of its own; senders share one under a lock, as they
 * share the channel's own write lock anyway.
 */
final class ObfsEndpoint implements TransportEndpoint {
    private final DatagramChannel channel;
    private final boolean connected;
    private final InetSocketAddress localAddress;
    private final int maxPadding;
    private final int maxDatagram;

    private final ObfsCodec receiveCodec;
    /** The wire form arrives here, whatever the size of the caller's buffers, and is decoded into them. */
    private final byte[] receiveArray = new byte[ObfsCodec.MAX_WIRE];
    private final ByteBuffer receiveBuffer = ByteBuffer.wrap(receiveArray);

    private final Object sendLock = new Object();
    private final ObfsCodec sendCodec;
    private final byte[] sendArray = new byte[ObfsCodec.MAX_WIRE];
    private final ByteBuffer sendBuffer = ByteBuffer.wrap(sendArray);

    ObfsEndpoint(DatagramChannel channel, boolean connected, SecretKeySpec key, int maxPadding) throws IOException {
        this.channel = channel;
        this.connected = connected;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        this.maxPadding = maxPadding;
        this.maxDatagram = ObfsCodec.maxDatagram(maxPadding);
        this.receiveCodec = new ObfsCodec(key, maxPadding);
        this.sendCodec = new ObfsCodec(key, maxPadding);
    }

    /** One datagram per call; one that does not decode with this key is dropped and the wait goes on. */
    @Override
    public int receive(PacketBatch batch) throws IOException {
        batch.clear();
        int headroom = batch.headroom();
        while (true) {
            receiveBuffer.clear();
            InetSocketAddress sender = receiveInto(receiveBuffer);
            int length;
            try {
                length = receiveCodec.reveal(receiveArray, receiveBuffer.position(), batch.buffer(0), headroom,
                        batch.bufferSize() - headroom);
            } catch (GeneralSecurityException e) {
                throw new IOException("AES/CTR failed", e);
            }
            if (length >= 0) {
                batch.set(0, headroom, length, sender);
                batch.setSize(1);
                return 1;
            }
        }
    }

    private InetSocketAddress receiveInto(ByteBuffer dst) throws IOException {
        while (true) {
            try {
                return (InetSocketAddress) channel.receive(dst);
            } catch (PortUnreachableException e) {
                // an ICMP error for an earlier datagram of a connected socket: the server may not be up yet
            }
        }
    }

    @Override
    public void send(PacketBatch batch) throws IOException {
        for (int slot = 0; slot < batch.size(); slot++) {
            send(batch.buffer(slot), batch.offset(slot), batch.length(slot), batch.address(slot));
        }
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        if (len > maxDatagram) {
            throw new IOException("a datagram of " + len + " bytes is over the " + maxDatagram + " that fit with padding");
        }
        synchronized (sendLock) {
            try {
                sendBuffer.clear().limit(sendCodec.hide(buf, off, len, sendArray));
            } catch (GeneralSecurityException e) {
                throw new IOException("AES/CTR failed", e);
            }
            try {
                if (connected) {
                    channel.write(sendBuffer);
                } else {
                    channel.send(sendBuffer, to);
                }
            } catch (PortUnreachableException e) {
                // an ICMP error for an earlier datagram; UDP is lossy, count it as lost
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The nonce, the masked length and at most {@code maxPadding} bytes of padding. */
    @Override
    public int overhead() {
        return ObfsCodec.HEADER + maxPadding;
    }

    /** Also wakes the receiving thread, which then gets an {@link java.nio.channels.AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
