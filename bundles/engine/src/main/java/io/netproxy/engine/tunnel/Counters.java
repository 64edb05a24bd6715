package io.netproxy.engine.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Packet counters of one tunnel, cheap enough for the data path (no maps, no boxing when counting); and, off the data
 * path, failed handshakes by reason and how long completed ones took.
 */
final class Counters {
    enum Counter {
        RX_PACKETS("rx.packets"), RX_BYTES("rx.bytes"), TX_PACKETS("tx.packets"), TX_BYTES("tx.bytes"),
        HANDSHAKES("handshakes"),
        DROP_MALFORMED("drop.malformed"), DROP_UNKNOWN_INDEX("drop.unknown-index"),
        DROP_DECRYPT("drop.decrypt-failed"), DROP_REPLAY("drop.replay"), DROP_SPOOFED("drop.spoofed-source"),
        DROP_NO_ROUTE("drop.no-route"), DROP_LINK_LOCAL("drop.link-local"), DROP_NOT_IP("drop.not-ip"), DROP_OVERSIZED("drop.oversized"),
        DROP_HANDSHAKE("drop.handshake"),
        DROP_RATE_LIMITED("drop.rate-limited"), DROP_OVERLOAD("drop.overload"), DROP_UNEXPECTED("drop.unexpected-type"),
        DROP_KEY_EXPIRED("drop.key-expired"), DROP_UNDER_LOAD("drop.under-load"),
        DROP_PASSWORD_BUDGET("drop.password-budget"), SEND_ERRORS("send-errors"),
        COOKIES_SENT("cookies.sent"), COOKIES_RECEIVED("cookies.received"), UNDER_LOAD("under-load"),
        PARAMETERS_SENT("parameters.sent"), PARAMETERS_RECEIVED("parameters.received");

        final String label;

        Counter(String label) { this.label = label; }
    }

    private final LongAdder[] values = new LongAdder[Counter.values().length];
    /** By reason: a HandshakeException token or one of the tunnels' own; a small, fixed set of keys. */
    private final Map<String, LongAdder> handshakeFailures = new ConcurrentHashMap<>();
    private final HandshakeTimes handshakeTimes = new HandshakeTimes();

    Counters() {
        for (int i = 0; i < values.length; i++) values[i] = new LongAdder();
    }

    void increment(Counter counter) { values[counter.ordinal()].increment(); }

    void add(Counter counter, long amount) { values[counter.ordinal()].add(amount); }

    long get(Counter counter) { return values[counter.ordinal()].sum(); }

    void handshakeFailed(String reason) {
        handshakeFailures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void handshakeTook(long nanos) { handshakeTimes.observe(nanos); }

    HandshakeTimes handshakeTimes() { return handshakeTimes; }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            long v = get(c);
            if (v != 0 || !c.label.startsWith("drop.")) out.put(c.label, v);
        }
        new TreeMap<>(handshakeFailures).forEach((reason, n) -> out.put("handshake-failed." + reason, n.sum()));
        return out;
    }
}
