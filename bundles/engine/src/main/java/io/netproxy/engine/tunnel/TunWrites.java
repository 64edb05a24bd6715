package io.netproxy.engine.tunnel;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TunDevice;
import java.io.IOException;

/**
 * Opened packets from one receive on their way into the TUN device, written in one call so that a device with
 * offload can merge a flow's segments. Owned by a transport reader; counted as received once written.
 */
final class TunWrites {
    /** The lane of the transport reader that owns it, which picks the TUN queue it writes to. */
    final int lane;
    private final PacketBatch batch;
    private final Counters counters;
    private long bytes;

    TunWrites(int lane, int capacity, int bufferSize, Counters counters) {
        this.lane = lane;
        this.batch = new PacketBatch(capacity, bufferSize, 0);
        this.counters = counters;
    }

    /** Adds the packet {@code buf[off .. off+len)}, writing what was gathered first when the batch is full. */
    void add(TunDevice device, byte[] buf, int off, int len) throws IOException {
        int slot = batch.size();
        if (slot == batch.capacity()) {
            flush(device);
            slot = 0;
        }
        System.arraycopy(buf, off, batch.buffer(slot), 0, len);
        batch.set(slot, 0, len, null);
        batch.setSize(slot + 1);
        bytes += len;
    }

    /** Writes what was gathered to the device. */
    void flush(TunDevice device) throws IOException {
        int size = batch.size();
        if (size == 0) return;
        try {
            device.write(batch);
            counters.add(Counters.Counter.RX_PACKETS, size);
            counters.add(Counters.Counter.RX_BYTES, bytes);
        } finally {
            batch.clear();
            bytes = 0;
        }
    }
}
