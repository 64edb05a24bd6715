package io.netproxy.api.tunnel;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of one tunnel.
 *
 * @param name         tunnel name
 * @param role         server or client
 * @param state        e.g. {@code listening}, {@code connected}, {@code reconnecting}
 * @param tunInterface TUN device name
 * @param tunAddress   this side's tunnel address in CIDR notation
 * @param endpoint     local (server) or remote (client) underlay endpoint
 * @param transport    transport in use
 * @param publicKey    this side's public key (base64)
 * @param peers        connected peers
 * @param counters     packet and byte counters, drops by reason
 * @param network      the host changes in force
 */
public record TunnelStatus(String name, TunnelSpec.Role role, String state, String tunInterface, String tunAddress,
                           String endpoint, String transport, String publicKey, List<PeerStatus> peers,
                           Map<String, Long> counters, List<String> network) {
    public TunnelStatus {
        peers = List.copyOf(peers);
        counters = Map.copyOf(counters);
        network = List.copyOf(network);
    }
}
