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
}
