package io.netproxy.engine.tunnel;

import io.netproxy.api.tunnel.PeerStatus;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one peer's sessions carried, all of them: shared by a peer's successive sessions (a rekey every two minutes),
 * so that its counts only grow, as a Prometheus counter and {@code wg show} expect.
 */
final class PeerTraffic {
    private final LongAdder rxBytes = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder rxPackets = new LongAdder();
    private final LongAdder txPackets = new LongAdder();

    /** Keepalives carry no payload and are not counted. */
    void received(int payloadBytes) {
        if (payloadBytes <= 0) return;
        rxBytes.add(payloadBytes);
        rxPackets.increment();
    }

    void sent(int payloadBytes) {
        if (payloadBytes <= 0) return;
        txBytes.add(payloadBytes);
        txPackets.increment();
    }

    PeerStatus.Builder into(PeerStatus.Builder status) {
        return status.rxBytes(rxBytes.sum()).txBytes(txBytes.sum()).rxPackets(rxPackets.sum()).txPackets(txPackets.sum());
    }
}
