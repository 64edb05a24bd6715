package io.netproxy.api;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An open transport socket. {@link #receive} is called by one thread, {@link #send} by any number
 * of threads, each with its own batch. {@link #close} unblocks a thread waiting in receive, which then
 * throws {@link java.nio.channels.ClosedChannelException} (or another IOException).
 */
@ConsumerType
public interface TransportEndpoint extends Closeable {
    /**
     * Blocks until at least one datagram arrives, then fills the batch with as many as are ready,
     * each placed at the batch's headroom, with its sender address. Returns the number received.
     */
    int receive(PacketBatch batch) throws IOException;

    /** Sends every packet of the batch to its slot's address (a client endpoint may ignore it). */
    void send(PacketBatch batch) throws IOException;

    /** Sends one datagram. */
    void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException;

    InetSocketAddress localAddress();

    /** Bytes of framing the transport adds on the wire per datagram beyond IP and UDP/TCP headers. */
    default int overhead() { return 0; }
}
