package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code status} and {@code peers}, as text and JSON, and the exit code that makes {@code status} a health check. */
class StatusTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final String FILE = "/opt/netproxy/etc/io.netproxy.tunnel-office.cfg";

    private final FakeTunnelService tunnels = new FakeTunnelService();
    private final ConfiguredTunnels configured = new ConfiguredTunnels();
    private final Operations operations = new Operations(tunnels, configured, InstantSource.fixed(NOW));
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static TunnelStatus server(String state) {
        PeerStatus peer = PeerStatus.builder().publicKey("password-client-1a2b3c4d").endpoint("198.51.100.2:40001 (udp)")
                .tunnelAddress("10.67.0.2").cipher("aes-256-gcm").lastHandshakeEpochMs(NOW.minusSeconds(63).toEpochMilli())
                .rxBytes(1268777).txBytes(348160).build();
        return TunnelStatus.builder("office", TunnelSpec.Role.SERVER).state(state).tunInterface("np0")
                .tunAddress("10.67.0.1/24").endpoint("*:6767").transport("udp+tcp").tunBackend("linux")
                .netconf("nftables").peers(List.of(peer))
                .counters(Map.of("rx.bytes", 2048L, "tx.bytes", 100L, "rx.packets", 3L, "tx.packets", 2L,
                        "handshakes", 1L, "send-errors", 0L, "drop.malformed", 2L, "drop.replay", 1L))
                .network(List.of("nftables table ip netproxy_ab12")).build();
    }

    private int status(String... args) {
        return operations.status(List.of(args), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void readsLikeWgShow() {
        tunnels.running.put("office", server("listening"));
        configured.report(FILE, "office", ConfiguredTunnels.State.RUNNING, null);
        assertEquals(0, status(), err.toString());
        assertEquals("""
                tunnel office: server listening
                  file: /opt/netproxy/etc/io.netproxy.tunnel-office.cfg
                  listening on: *:6767 (udp+tcp)
                  device: np0 10.67.0.1/24
                  implementations: transport udp+tcp, TUN backend linux, network configurator nftables
                  transfer: 2.00 KiB received, 100 B sent; 3 packets received, 2 sent
                  handshakes: 1, send errors: 0
                  drops: 2 malformed, 1 replay
                  host: nftables table ip netproxy_ab12

                  peer: password-client-1a2b3c4d
                    endpoint: 198.51.100.2:40001 (udp)
                    tunnel address: 10.67.0.2
                    cipher: aes-256-gcm
                    latest handshake: 1 minute, 3 seconds ago
                    transfer: 1.21 MiB received, 340 KiB sent
                """, out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void jsonCarriesTheSameForScripts() {
        tunnels.running.put("office", server("listening"));
        assertEquals(0, status("--json"));
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertTrue(json.get("healthy").getAsBoolean());
        JsonObject tunnel = json.getAsJsonArray("tunnels").get(0).getAsJsonObject();
        assertEquals("office", tunnel.get("name").getAsString());
        assertEquals("server", tunnel.get("role").getAsString());
        assertTrue(tunnel.get("up").getAsBoolean());
        assertTrue(tunnel.get("file").isJsonNull(), "started from the command line");
        assertEquals("np0", tunnel.get("device").getAsString());
        assertEquals(2, tunnel.getAsJsonObject("drops").get("malformed").getAsLong());
        assertEquals(2048, tunnel.getAsJsonObject("counters").get("rx.bytes").getAsLong());
        assertTrue(!tunnel.getAsJsonObject("counters").has("drop.malformed"), "drops once, by reason");
        JsonObject peer = tunnel.getAsJsonArray("peers").get(0).getAsJsonObject();
        assertEquals("198.51.100.2:40001", peer.get("endpoint").getAsString());
        assertEquals("udp", peer.get("transport").getAsString());
        assertEquals(63, peer.get("latestHandshakeSecondsAgo").getAsLong());
        assertEquals("2026-12-02T09:58:57Z", peer.get("latestHandshake").getAsString());
        assertEquals(1268777, peer.get("rxBytes").getAsLong());
    }

    @Test
    void aTunnelThatShouldBeUpAndIsNotFailsTheHealthCheck() {
        TunnelStatus client = FakeTunnelService.status("client", "reconnecting");
        tunnels.running.put("client", client);
        assertEquals(1, status());
        assertTrue(out.toString().startsWith("tunnel client: client reconnecting\n"), out.toString());
        assertTrue(err.toString().contains("tunnel 'client' should be up but is reconnecting"), err.toString());

        tunnels.running.put("client", FakeTunnelService.status("client", "connected"));
        assertEquals(0, status());
    }

    @Test
    void aFileWhoseTunnelDoesNotRunFailsTheHealthCheck() {
        configured.report(FILE, "office", ConfiguredTunnels.State.REFUSED, FILE + ":3: port: '0' is not allowed");
        assertEquals(1, status("--json"));
        JsonObject tunnel = JsonParser.parseString(out.toString()).getAsJsonObject().getAsJsonArray("tunnels").get(0)
                .getAsJsonObject();
        assertEquals("not running", tunnel.get("state").getAsString());
        assertEquals(FILE + ":3: port: '0' is not allowed", tunnel.get("problem").getAsString());

        // started from its file, then stopped by disconnect while the file stays
        configured.report(FILE, "office", ConfiguredTunnels.State.RUNNING, null);
        out.getBuffer().setLength(0);
        assertEquals(1, status());
        assertTrue(out.toString().startsWith("tunnel office: not running\n  file: " + FILE), out.toString());
        tunnels.running.put("office", server("listening"));
        assertEquals(0, status());
    }

    @Test
    void noTunnelsIsHealthy() {
        assertEquals(0, status());
        assertEquals("no tunnels\n", out.toString());
        assertEquals(2, status("--yaml"));
        assertTrue(err.toString().contains("usage: status [--json]"), err.toString());
    }

    @Test
    void peersOfOneTunnel() {
        tunnels.running.put("office", server("listening"));
        assertEquals(0, operations.peers(List.of("--json"), new PrintWriter(out, true), new PrintWriter(err, true)));
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals("office", json.get("tunnel").getAsString());
        assertEquals("aes-256-gcm", json.getAsJsonArray("peers").get(0).getAsJsonObject().get("cipher").getAsString());
        out.getBuffer().setLength(0);
        assertEquals(0, operations.peers(List.of("office"), new PrintWriter(out, true), new PrintWriter(err, true)));
        assertTrue(out.toString().startsWith("peer: password-client-1a2b3c4d\n  endpoint: 198.51.100.2:40001 (udp)\n"),
                out.toString());
    }
}
