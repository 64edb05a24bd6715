package io.netproxy.metrics.prometheus;

import io.netproxy.api.tunnel.Histogram;
import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Prometheus text exposition format 0.0.4 of the engine's tunnel snapshots and the JVM's memory: every family
 * once, with HELP and TYPE, its samples together. Written here rather than with a client library because it is a few
 * dozen lines against a jar and a registry that would copy what TunnelService already counts.
 */
final class Exposition {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String DROP = "drop.";
    private static final String HANDSHAKE_FAILED = "handshake-failed.";

    /** The JVM's memory at scrape time; {@code residentBytes} is -1 where the kernel does not say. */
    record Memory(long heapUsed, long heapCommitted, long heapMax, long nonHeapUsed, long nonHeapCommitted,
                  long residentBytes) {}

    private final StringBuilder out = new StringBuilder(4096);

    private Exposition() {}

    static String render(List<TunnelStatus> tunnels, Memory memory) {
        Exposition e = new Exposition();
        e.tunnels(tunnels);
        e.memory(memory);
        return e.out.toString();
    }

    private void tunnels(List<TunnelStatus> tunnels) {
        family("netproxy_tunnel_info", "gauge", "A running tunnel, with its role, state and the parts it uses (always 1)");
        for (TunnelStatus t : tunnels) {
            sample("netproxy_tunnel_info", labels("tunnel", t.name(), "role", t.role().name().toLowerCase(),
                    "state", t.state(), "transport", t.transport(), "tun_backend", t.tunBackend(), "netconf", t.netconf()), 1);
        }
        counter(tunnels, "netproxy_received_packets_total", "IP packets that came through the tunnel from its peers", "rx.packets");
        counter(tunnels, "netproxy_received_bytes_total", "Bytes of the IP packets that came through the tunnel from its peers", "rx.bytes");
        counter(tunnels, "netproxy_sent_packets_total", "IP packets sent through the tunnel to its peers", "tx.packets");
        counter(tunnels, "netproxy_sent_bytes_total", "Bytes of the IP packets sent through the tunnel to its peers", "tx.bytes");
        counter(tunnels, "netproxy_handshakes_total", "Handshakes completed", "handshakes");
        counter(tunnels, "netproxy_send_errors_total", "Packets the transport failed to send", "send-errors");
        counter(tunnels, "netproxy_under_load_episodes_total",
                "Times a server's handshake queue became loaded, so that initiations needed a cookie", "under-load");
        counter(tunnels, "netproxy_cookie_replies_sent_total",
                "Cookie replies a server under load sent instead of handshaking", "cookies.sent");
        counter(tunnels, "netproxy_cookie_replies_received_total",
                "Cookie replies a client received from a server under load", "cookies.received");
        counter(tunnels, "netproxy_parameters_replies_sent_total",
                "Password mode: the server's salt and key sent to clients that asked", "parameters.sent");
        counter(tunnels, "netproxy_parameters_replies_received_total",
                "Password mode: the server's salt and key a client received", "parameters.received");
        byReason(tunnels, "netproxy_handshake_failures_total", "Handshakes that did not complete, by reason", HANDSHAKE_FAILED);
        byReason(tunnels, "netproxy_dropped_packets_total", "Packets dropped, by reason", DROP);

        family("netproxy_active_sessions", "gauge", "Peers with an established session");
        for (TunnelStatus t : tunnels) sample("netproxy_active_sessions", labels("tunnel", t.name()), t.peers().size());

        String histogram = "netproxy_handshake_duration_seconds";
        family(histogram, "histogram", "Time a completed handshake took: a client from initiation to response, a server"
                + " from receiving the initiation to sending the response");
        for (TunnelStatus t : tunnels) histogram(histogram, t.name(), t.handshakeSeconds());

        peerCounter(tunnels, "netproxy_peer_received_bytes_total", "Bytes of IP packets received from the peer", PeerStatus::rxBytes);
        peerCounter(tunnels, "netproxy_peer_sent_bytes_total", "Bytes of IP packets sent to the peer", PeerStatus::txBytes);
        peerCounter(tunnels, "netproxy_peer_received_packets_total", "IP packets received from the peer",
                PeerStatus::rxPackets);
        peerCounter(tunnels, "netproxy_peer_sent_packets_total", "IP packets sent to the peer", PeerStatus::txPackets);
        family("netproxy_peer_last_handshake_timestamp_seconds", "gauge", "When the peer's current session was established");
        for (TunnelStatus t : tunnels) {
            for (PeerStatus p : t.peers()) {
                sample("netproxy_peer_last_handshake_timestamp_seconds", labels("tunnel", t.name(), "peer", p.publicKey()),
                        p.lastHandshakeEpochMs() / 1000.0);
            }
        }
    }

    private void counter(List<TunnelStatus> tunnels, String name, String help, String key) {
        family(name, "counter", help);
        for (TunnelStatus t : tunnels) sample(name, labels("tunnel", t.name()), t.counters().getOrDefault(key, 0L));
    }

    private void byReason(List<TunnelStatus> tunnels, String name, String help, String prefix) {
        family(name, "counter", help);
        for (TunnelStatus t : tunnels) {
            for (Map.Entry<String, Long> e : t.counters().entrySet()) {
                if (!e.getKey().startsWith(prefix)) continue;
                sample(name, labels("tunnel", t.name(), "reason", e.getKey().substring(prefix.length())), e.getValue());
            }
        }
    }

    /** Per peer, over all its sessions: a server's peer from zero again only when it reconnects after a timeout. */
    private void peerCounter(List<TunnelStatus> tunnels, String name, String help, Function<PeerStatus, Long> value) {
        family(name, "counter", help);
        for (TunnelStatus t : tunnels) {
            for (PeerStatus p : t.peers()) sample(name, labels("tunnel", t.name(), "peer", p.publicKey()), value.apply(p));
        }
    }

    private void histogram(String name, String tunnel, Histogram h) {
        double[] bounds = h.upperBounds();
        long[] counts = h.counts();
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i];
            sample(name + "_bucket", labels("tunnel", tunnel, "le", number(bounds[i])), cumulative);
        }
        cumulative += counts[bounds.length];
        sample(name + "_bucket", labels("tunnel", tunnel, "le", "+Inf"), cumulative);
        sample(name + "_sum", labels("tunnel", tunnel), h.sum());
        sample(name + "_count", labels("tunnel", tunnel), cumulative);
    }

    private void memory(Memory m) {
        family("jvm_memory_used_bytes", "gauge", "Used bytes of a JVM memory area");
        sample("jvm_memory_used_bytes", labels("area", "heap"), m.heapUsed());
        sample("jvm_memory_used_bytes", labels("area", "nonheap"), m.nonHeapUsed());
        family("jvm_memory_committed_bytes", "gauge", "Committed bytes of a JVM memory area");
        sample("jvm_memory_committed_bytes", labels("area", "heap"), m.heapCommitted());
        sample("jvm_memory_committed_bytes", labels("area", "nonheap"), m.nonHeapCommitted());
        family("jvm_memory_max_bytes", "gauge", "Most bytes the JVM heap may grow to");
        sample("jvm_memory_max_bytes", labels("area", "heap"), m.heapMax());
        if (m.residentBytes() >= 0) {
            family("process_resident_memory_bytes", "gauge", "Resident memory of the process in bytes");
            sample("process_resident_memory_bytes", "", m.residentBytes());
        }
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, long value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private void sample(String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    /** {@code {a="x",b="y"}}; a null value is written empty, which Prometheus reads as the label's absence. */
    static String labels(String... namesAndValues) {
        List<String> pairs = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1] == null ? "" : namesAndValues[i + 1];
            pairs.add(namesAndValues[i] + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"");
        }
        return "{" + String.join(",", pairs) + "}";
    }

    /** A number as Prometheus' own clients write bucket bounds: {@code 0.0005} and {@code 1}, not {@code 5.0E-4}. */
    static String number(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "+Inf" : "-Inf";
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
