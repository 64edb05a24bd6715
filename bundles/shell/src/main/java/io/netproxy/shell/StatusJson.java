package io.netproxy.shell;

import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code status --json} and {@code peers --json}: what {@link StatusText} shows, in numbers and plain values for
 * scripts. The field names are documented in the README; fields may be added, never renamed.
 */
final class StatusJson {
    private StatusJson() {}

    static String of(StatusReport report) {
        List<Object> tunnels = new java.util.ArrayList<>();
        for (StatusReport.Tunnel tunnel : report.tunnels()) tunnels.add(tunnel(tunnel, report.at()));
        for (ConfiguredTunnels.Entry entry : report.notRunning()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", entry.name());
            t.put("state", entry.state() == ConfiguredTunnels.State.STARTING ? "starting" : "not running");
            t.put("up", false);
            t.put("file", entry.source());
            t.put("problem", entry.problem());
            tunnels.add(t);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("healthy", report.healthy());
        json.put("tunnels", tunnels);
        return Json.write(json);
    }

    static String peers(TunnelStatus t, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tunnel", t.name());
        json.put("peers", t.peers().stream().map(p -> peer(p, now)).toList());
        return Json.write(json);
    }

    private static Map<String, Object> tunnel(StatusReport.Tunnel tunnel, Instant now) {
        TunnelStatus t = tunnel.status();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", t.name());
        json.put("role", t.role().name().toLowerCase());
        json.put("state", t.state());
        json.put("up", tunnel.up());
        json.put("file", tunnel.file());
        json.put("endpoint", t.endpoint());
        json.put("transport", t.transport());
        json.put("device", t.tunInterface());
        json.put("address", t.tunAddress());
        json.put("publicKey", t.publicKey());
        json.put("tunBackend", t.tunBackend());
        json.put("netconf", t.netconf());
        Map<String, Object> counters = new TreeMap<>();
        t.counters().forEach((name, value) -> {
            if (!name.startsWith(StatusReport.DROP)) counters.put(name, value);
        });
        json.put("counters", counters);
        json.put("drops", StatusReport.drops(t.counters()));
        json.put("host", t.network());
        json.put("peers", t.peers().stream().map(p -> peer(p, now)).toList());
        return json;
    }

    private static Map<String, Object> peer(PeerStatus p, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", p.publicKey());
        // the engine writes "ADDRESS:PORT (TRANSPORT)"
        String endpoint = p.endpoint();
        int paren = endpoint == null ? -1 : endpoint.lastIndexOf(" (");
        json.put("endpoint", paren < 0 ? endpoint : endpoint.substring(0, paren));
        json.put("transport", paren < 0 || !endpoint.endsWith(")") ? null : endpoint.substring(paren + 2, endpoint.length() - 1));
        json.put("tunnelAddress", p.tunnelAddress());
        json.put("cipher", p.cipher());
        Instant handshake = Instant.ofEpochMilli(p.lastHandshakeEpochMs());
        json.put("latestHandshake", handshake.toString());
        json.put("latestHandshakeSecondsAgo", Math.max(0, Duration.between(handshake, now).getSeconds()));
        json.put("rxBytes", p.rxBytes());
        json.put("txBytes", p.txBytes());
        return json;
    }
}
