package io.netproxy.api;

import java.util.List;
import java.util.Objects;

/**
 * A declarative description of the host changes for one tunnel.
 *
 * <p>Server: enable IPv4 forwarding, masquerade {@code tunnelSubnet} out of the egress interface (taken from
 * the routing table when {@code egressInterface} is null), accept forwarding between the TUN device and the
 * egress, and clamp TCP MSS to the path MTU.
 *
 * <p>Client: route each of {@code routes} through the TUN device and pin a host route to {@code serverAddress}
 * via the gateway that reached it before; the user's own default route is left in place (a full tunnel
 * uses {@code 0.0.0.0/1} and {@code 128.0.0.0/1}).
 *
 * @param tunnelId        a name unique among the tunnels of this host, used to journal and label rules
 * @param role            server or client
 * @param tunInterface    the TUN device name
 * @param tunnelSubnet    the tunnel's subnet in CIDR notation (server: the address pool)
 * @param egressInterface server: interface to NAT out of, or null to look it up
 * @param serverAddress   client: the server's underlay IP address
 * @param routes          client: CIDRs to send through the tunnel ({@code 0.0.0.0/0} means everything)
 * @param dns             client: DNS servers pushed by the server (may be empty)
 */
public record NetworkPlan(String tunnelId, Role role, String tunInterface, String tunnelSubnet,
                          String egressInterface, String serverAddress, List<String> routes, List<String> dns) {
    public enum Role { SERVER, CLIENT }

    public NetworkPlan {
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tunInterface, "tunInterface");
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? List.of() : List.copyOf(dns);
        if (role == Role.SERVER) Objects.requireNonNull(tunnelSubnet, "tunnelSubnet");
        if (role == Role.CLIENT) Objects.requireNonNull(serverAddress, "serverAddress");
    }
}
