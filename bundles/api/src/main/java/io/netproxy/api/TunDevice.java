package io.netproxy.api;

import java.io.Closeable;
import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An open TUN device carrying raw IPv4/IPv6 packets (no packet-info header). {@link #read} is called
 * by one thread, {@link #write} by any thread with its own batch. {@link #close} unblocks a reader.
 */
@ConsumerType
public interface TunDevice extends Closeable {
    /** The kernel's name for the device. */
    String name();

    int mtu();

    /** Blocks until at least one packet is read; places packets at the batch's headroom; returns how many. */
    int read(PacketBatch batch) throws IOException;

    /** Writes every packet of the batch. */
    void write(PacketBatch batch) throws IOException;

    /** Writes one packet. */
    void write(byte[] buf, int off, int len) throws IOException;

    /**
     * Opens one more queue of this device (a multi-queue device, IFF_MULTI_QUEUE on Linux): a device of its own to
     * read and write, so that one more thread reads at once. The kernel spreads the packets routed to the device
     * among its open queues by flow, so each queue must be read. Closing the returned device closes its queue
     * only; the device goes (unless persistent) when its last queue closes.
     *
     * @throws IOException when this device has one queue, which is the default
     * @since 1.1
     */
    default TunDevice openQueue() throws IOException {
        throw new IOException("the TUN device " + name() + " has one queue");
    }
}
