package io.netproxy.shell;

import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code status} and {@code peers} for people, laid out like {@code wg show}: a block per tunnel, one per peer. */
final class StatusText {
    private StatusText() {}

    static void write(StatusReport report, PrintWriter out) {
        if (report.tunnels().isEmpty() && report.notRunning().isEmpty()) out.println("no tunnels");
        boolean first = true;
        for (StatusReport.Tunnel tunnel : report.tunnels()) {
            if (!first) out.println();
            first = false;
            tunnel(tunnel, report.at(), out);
        }
        for (ConfiguredTunnels.Entry entry : report.notRunning()) {
            if (!first) out.println();
            first = false;
            out.println("tunnel " + entry.name() + ": " + (entry.state() == ConfiguredTunnels.State.STARTING
                    ? "starting" : "not running"));
            out.println("  file: " + entry.source());
            if (entry.problem() != null) out.println("  problem: " + entry.problem());
        }
    }

    private static void tunnel(StatusReport.Tunnel tunnel, Instant now, PrintWriter out) {
        TunnelStatus t = tunnel.status();
        boolean server = t.role() == TunnelSpec.Role.SERVER;
        out.println("tunnel " + t.name() + ": " + t.role().name().toLowerCase() + " " + t.state());
        if (tunnel.file() != null) out.println("  file: " + tunnel.file());
        out.println("  " + (server ? "listening on" : "server") + ": " + t.endpoint() + " (" + t.transport() + ")");
        out.println("  device: " + t.tunInterface() + " " + t.tunAddress());
        if (t.publicKey() != null) out.println("  public key: " + t.publicKey());
        out.println("  implementations: transport " + t.transport() + ", TUN backend " + t.tunBackend()
                + ", network configurator " + t.netconf());
        Map<String, Long> counters = t.counters();
        out.println("  transfer: " + transfer(counter(counters, "rx.bytes"), counter(counters, "tx.bytes")) + "; "
                + counter(counters, "rx.packets") + " packets received, " + counter(counters, "tx.packets") + " sent");
        out.println("  handshakes: " + counter(counters, "handshakes") + ", send errors: " + counter(counters, "send-errors"));
        if (counter(counters, "under-load") > 0 || counter(counters, "cookies.received") > 0) {
            out.println("  under load: " + counter(counters, "under-load") + " times; cookie replies: "
                    + counter(counters, "cookies.sent") + " sent, " + counter(counters, "cookies.received") + " received");
        }
        out.println("  drops: " + drops(counters));
        t.network().forEach(line -> out.println("  host: " + line));
        if (t.peers().isEmpty()) out.println("  no peers");
        for (PeerStatus peer : t.peers()) {
            out.println();
            peer(peer, now, "  ", out);
        }
    }

    /** The peers of one tunnel, as {@code peers} prints them. */
    static void peers(TunnelStatus t, Instant now, PrintWriter out) {
        if (t.peers().isEmpty()) out.println("no peers");
        boolean first = true;
        for (PeerStatus peer : t.peers()) {
            if (!first) out.println();
            first = false;
            peer(peer, now, "", out);
        }
    }

    private static void peer(PeerStatus p, Instant now, String indent, PrintWriter out) {
        out.println(indent + "peer: " + p.publicKey());
        out.println(indent + "  endpoint: " + p.endpoint());
        out.println(indent + "  tunnel address: " + p.tunnelAddress());
        out.println(indent + "  cipher: " + p.cipher());
        out.println(indent + "  latest handshake: "
                + HumanUnits.age(Duration.between(Instant.ofEpochMilli(p.lastHandshakeEpochMs()), now)));
        out.println(indent + "  transfer: " + transfer(p.rxBytes(), p.txBytes()));
    }

    private static String transfer(long received, long sent) {
        return HumanUnits.bytes(received) + " received, " + HumanUnits.bytes(sent) + " sent";
    }

    /** "2 malformed, 1 replay", or "none". */
    private static String drops(Map<String, Long> counters) {
        List<String> reasons = new ArrayList<>();
        StatusReport.drops(counters).forEach((reason, count) -> reasons.add(count + " " + reason));
        return reasons.isEmpty() ? "none" : String.join(", ", reasons);
    }

    private static long counter(Map<String, Long> counters, String name) {
        return counters.getOrDefault(name, 0L);
    }
}
