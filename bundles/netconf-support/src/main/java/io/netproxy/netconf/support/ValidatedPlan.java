package io.netproxy.netconf.support;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import java.util.List;

/**
 * A {@link NetworkPlan} whose fields used by its role have been checked; fields the role does not use are
 * left out (null or empty). IPv6 parts ({@code tunnelSubnet6}, {@code routes6}) are null or empty when the plan
 * carries IPv4 only. A client's search domains are checked again here, where they are about to reach the resolver.
 */
public record ValidatedPlan(String tunnelId, Role role, String tunInterface, Ipv4Cidr tunnelSubnet, Ipv6Cidr tunnelSubnet6,
                            String egressInterface, ServerAddress serverAddress, List<Ipv4Cidr> routes,
                            List<Ipv6Cidr> routes6, List<DnsServer> dns, List<String> dnsSearch,
                            List<ServerAddress> otherServerAddresses) {

    public static ValidatedPlan of(NetworkPlan plan) {
        String tunnelId = NetworkNames.requireTunnelId(plan.tunnelId());
        String tun = NetworkNames.requireInterface(plan.tunInterface(), "TUN interface");
        if (plan.role() == Role.SERVER) {
            Ipv4Cidr subnet = Ipv4Cidr.parse(plan.tunnelSubnet(), "tunnel subnet");
            Ipv6Cidr subnet6 = plan.tunnelSubnet6() == null ? null : Ipv6Cidr.parse(plan.tunnelSubnet6(), "IPv6 tunnel subnet");
            String egress = plan.egressInterface() == null
                    ? null : NetworkNames.requireInterface(plan.egressInterface(), "egress interface");
            return new ValidatedPlan(tunnelId, Role.SERVER, tun, subnet, subnet6, egress, null, List.of(), List.of(), List.of(),
                    List.of(), List.of());
        }
        ServerAddress server = ServerAddress.parse(plan.serverAddress(), "server address");
        List<Ipv4Cidr> routes = plan.routes().stream().filter(route -> !route.contains(":"))
                .map(route -> Ipv4Cidr.parse(route, "route")).toList();
        List<Ipv6Cidr> routes6 = plan.routes().stream().filter(route -> route.contains(":"))
                .map(route -> Ipv6Cidr.parse(route, "route")).toList();
        List<DnsServer> dns = plan.dns().stream().map(address -> DnsServer.parse(address, "DNS server")).toList();
        List<String> dnsSearch = List.copyOf(NetworkPlan.checkSearchDomains(plan.dnsSearch()));
        List<ServerAddress> others = plan.otherServerAddresses().stream()
                .map(address -> ServerAddress.parse(address, "other server address")).toList();
        return new ValidatedPlan(tunnelId, Role.CLIENT, tun, null, null, null, server, routes, routes6, dns, dnsSearch,
                others);
    }
}
