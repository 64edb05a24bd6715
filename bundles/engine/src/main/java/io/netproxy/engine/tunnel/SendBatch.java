package io.netproxy.engine.tunnel;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Sealed datagrams from one TUN read on their way out: those that follow each other to one transport endpoint leave
 * in one send call (one sendmmsg for UDP), and each counts as sent only once it has. Owned by the TUN reader.
 */
final class SendBatch {
    private final PacketBatch batch;
    private final Session[] sessions;
    private final int[] payloadLengths;
    private final Counters counters;
    private final DropLog drops;
    private TransportEndpoint endpoint;

    SendBatch(int capacity, int bufferSize, Counters counters, DropLog drops) {
        this.batch = new PacketBatch(capacity, bufferSize, 0);
        this.sessions = new Session[capacity];
        this.payloadLengths = new int[capacity];
        this.counters = counters;
        this.drops = drops;
    }

    /**
     * Adds the datagram {@code buf[off .. off+len)} that carries {@code payload} bytes of the session's data; what was
     * gathered for another endpoint, or a full batch, is sent first.
     */
    void add(Session session, TransportEndpoint to, InetSocketAddress address, byte[] buf, int off, int len, int payload) {
        int slot = batch.size();
        if (slot > 0 && (to != endpoint || slot == batch.capacity())) {
            flush();
            slot = 0;
        }
        endpoint = to;
        System.arraycopy(buf, off, batch.buffer(slot), 0, len);
        batch.set(slot, 0, len, address);
        sessions[slot] = session;
        payloadLengths[slot] = payload;
        batch.setSize(slot + 1);
    }

    /** Sends what was gathered. */
    void flush() {
        int size = batch.size();
        if (size == 0) return;
        try {
            endpoint.send(batch);
            for (int slot = 0; slot < size; slot++) {
                sessions[slot].sent(payloadLengths[slot]);
                counters.add(Counters.Counter.TX_BYTES, payloadLengths[slot]);
            }
            counters.add(Counters.Counter.TX_PACKETS, size);
        } catch (IOException e) {
            counters.add(Counters.Counter.SEND_ERRORS, size);
            drops.dropped(Counters.Counter.SEND_ERRORS, batch.address(0));
        } finally {
            Arrays.fill(sessions, 0, size, null);
            batch.clear();
            endpoint = null;
        }
    }
}
