package io.netproxy.metrics.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.Histogram;
import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpositionTest {
    private static final Exposition.Memory MEMORY = new Exposition.Memory(1000, 2000, 4000, 300, 400, 123_456_789);

    private static TunnelStatus server() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("rx.packets", 10L);
        counters.put("rx.bytes", 12_345L);
        counters.put("tx.packets", 9L);
        counters.put("tx.bytes", 11_000L);
        counters.put("handshakes", 3L);
        counters.put("send-errors", 0L);
        counters.put("drop.replay", 2L);
        counters.put("drop.decrypt-failed", 1L);
        counters.put("handshake-failed.bad-mac1", 4L);
        PeerStatus peer = PeerStatus.builder().publicKey("a+b/c=").endpoint("192.0.2.7:40001 (udp)")
                .tunnelAddress("10.99.0.2").cipher("chacha20-poly1305").lastHandshakeEpochMs(1_700_000_000_500L)
                .rxBytes(500).txBytes(600).rxPackets(5).txPackets(6).build();
        return TunnelStatus.builder("srv \"one\"", TunnelSpec.Role.SERVER).state("listening").transport("udp+tcp")
                .tunBackend("linux").netconf("nftables").counters(counters).peers(List.of(peer))
                .handshakeSeconds(new Histogram(new double[] {0.0005, 0.01, 1}, new long[] {1, 2, 0, 1}, 2.5)).build();
    }

    @Test
    void countersGaugesAndHistogramOfEachTunnel() {
        String text = Exposition.render(List.of(server()), MEMORY);
        List<String> lines = text.lines().toList();
        String tunnel = "tunnel=\"srv \\\"one\\\"\"";
        assertTrue(lines.contains("netproxy_received_bytes_total{" + tunnel + "} 12345"), text);
        assertTrue(lines.contains("netproxy_sent_bytes_total{" + tunnel + "} 11000"), text);
        assertTrue(lines.contains("netproxy_received_packets_total{" + tunnel + "} 10"), text);
        assertTrue(lines.contains("netproxy_handshakes_total{" + tunnel + "} 3"), text);
        assertTrue(lines.contains("netproxy_dropped_packets_total{" + tunnel + ",reason=\"replay\"} 2"), text);
        assertTrue(lines.contains("netproxy_dropped_packets_total{" + tunnel + ",reason=\"decrypt-failed\"} 1"), text);
        assertTrue(lines.contains("netproxy_handshake_failures_total{" + tunnel + ",reason=\"bad-mac1\"} 4"), text);
        assertTrue(lines.contains("netproxy_active_sessions{" + tunnel + "} 1"), text);
        assertTrue(lines.contains("netproxy_peer_received_bytes_total{" + tunnel + ",peer=\"a+b/c=\"} 500"), text);
        assertTrue(lines.contains("netproxy_peer_sent_packets_total{" + tunnel + ",peer=\"a+b/c=\"} 6"), text);
        assertTrue(lines.contains("netproxy_peer_last_handshake_timestamp_seconds{" + tunnel + ",peer=\"a+b/c=\"} 1700000000.5"), text);
        // cumulative buckets, +Inf equal to the count
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_bucket{" + tunnel + ",le=\"0.0005\"} 1"), text);
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_bucket{" + tunnel + ",le=\"0.01\"} 3"), text);
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_bucket{" + tunnel + ",le=\"1\"} 3"), text);
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_bucket{" + tunnel + ",le=\"+Inf\"} 4"), text);
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_count{" + tunnel + "} 4"), text);
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_sum{" + tunnel + "} 2.5"), text);
        assertTrue(lines.contains("jvm_memory_used_bytes{area=\"heap\"} 1000"), text);
        assertTrue(lines.contains("process_resident_memory_bytes 123456789"), text);
        assertTrue(text.endsWith("\n"));
        assertWellFormed(text);
    }

    @Test
    void noTunnelsStillDescribesEveryFamilyAndTheJvm() {
        String text = Exposition.render(List.of(), new Exposition.Memory(1, 2, -1, 3, 4, -1));
        assertTrue(text.contains("# TYPE netproxy_received_bytes_total counter\n"), text);
        assertTrue(text.contains("# TYPE netproxy_handshake_duration_seconds histogram\n"), text);
        assertFalse(text.contains("netproxy_received_bytes_total{"), text);
        assertFalse(text.contains("process_resident_memory_bytes"), "no RSS line when it is unknown: " + text);
        assertWellFormed(text);
    }

    @Test
    void aTunnelWithoutMeasuredHandshakesHasAnEmptyHistogram() {
        TunnelStatus client = TunnelStatus.builder("c", TunnelSpec.Role.CLIENT).state("connected").build();
        List<String> lines = Exposition.render(List.of(client), MEMORY).lines().toList();
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_bucket{tunnel=\"c\",le=\"+Inf\"} 0"), lines::toString);
        assertTrue(lines.contains("netproxy_handshake_duration_seconds_count{tunnel=\"c\"} 0"), lines::toString);
        assertTrue(lines.contains("netproxy_received_bytes_total{tunnel=\"c\"} 0"), lines::toString);
        assertTrue(lines.contains("netproxy_tunnel_info{tunnel=\"c\",role=\"client\",state=\"connected\",transport=\"\","
                + "tun_backend=\"\",netconf=\"\"} 1"), lines::toString);
    }

    @Test
    void labelValuesAreEscaped() {
        assertEquals("{a=\"x\\\\y\\\"z\\n\"}", Exposition.labels("a", "x\\y\"z\n"));
        assertEquals("{a=\"\"}", Exposition.labels("a", null));
    }

    @Test
    void numbersAreWrittenWithoutExponents() {
        assertEquals("0.0005", Exposition.number(0.0005));
        assertEquals("2.5", Exposition.number(2.5));
        assertEquals("1", Exposition.number(1.0));
        assertEquals("1700000000.5", Exposition.number(1_700_000_000.5));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Exposition.number(Double.NaN));
    }

    /**
     * What the format requires of every line: a family is described (HELP, then TYPE) once, before its samples, and
     * its samples are together; a sample's name is the family's (or, for a histogram, its _bucket, _sum or _count).
     * promtool checks the same on a real scrape in the integration test.
     */
    private static void assertWellFormed(String text) {
        Set<String> seen = new HashSet<>();
        String family = null;
        String type = null;
        List<String> problems = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("# HELP ")) {
                family = line.split(" ")[2];
                if (!seen.add(family)) problems.add("described twice: " + family);
                type = null;
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                if (!parts[2].equals(family)) problems.add("TYPE without its HELP: " + line);
                type = parts[3];
            } else {
                String name = line.split("[{ ]")[0];
                boolean ok = name.equals(family) || "histogram".equals(type)
                        && (name.equals(family + "_bucket") || name.equals(family + "_sum") || name.equals(family + "_count"));
                if (!ok || type == null) problems.add("sample outside its family: " + line);
                if (!line.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? (-?[0-9.]+(E-?[0-9]+)?|[+-]Inf|NaN)")) {
                    problems.add("not a sample line: " + line);
                }
            }
        }
        assertTrue(problems.isEmpty(), problems + "\n" + text);
    }
}
