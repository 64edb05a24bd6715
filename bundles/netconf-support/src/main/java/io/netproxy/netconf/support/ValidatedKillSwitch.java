package io.netproxy.netconf.support;

import io.netproxy.api.KillSwitch;
import java.util.List;

/**
 * A {@link KillSwitch} whose names and addresses have been checked, with the local networks it lets through when it
 * allows the LAN (empty otherwise): what a configurator renders into rules.
 *
 * @param lanIpv4 IPv4 networks in CIDR notation, directly connected when the kill switch was applied
 * @param lanIpv6 IPv6 networks in CIDR notation, likewise
 */
public record ValidatedKillSwitch(String tunnelId, String tunInterface, List<ServerAddress> serverAddresses,
                                  boolean allowLan, List<String> lanIpv4, List<String> lanIpv6) {
    /** Beside the connected networks, a LAN has these: multicast and the limited broadcast of IPv4 (mDNS, SSDP...). */
    public static final List<String> LAN_EXTRAS_IPV4 = List.of("224.0.0.0/4", "255.255.255.255/32");
    /** IPv6 link-local unicast and multicast. */
    public static final List<String> LAN_EXTRAS_IPV6 = List.of("fe80::/10", "ff00::/8");

    public ValidatedKillSwitch {
        serverAddresses = List.copyOf(serverAddresses);
        lanIpv4 = List.copyOf(lanIpv4);
        lanIpv6 = List.copyOf(lanIpv6);
    }

    static ValidatedKillSwitch of(KillSwitch killSwitch, ConnectedNetworks lan) {
        String tunnelId = NetworkNames.requireTunnelId(killSwitch.tunnelId());
        String tun = NetworkNames.requireInterface(killSwitch.tunInterface(), "TUN interface");
        List<ServerAddress> servers = killSwitch.serverAddresses().stream()
                .map(address -> ServerAddress.parse(address, "server address")).toList();
        if (!killSwitch.allowLan()) return new ValidatedKillSwitch(tunnelId, tun, servers, false, List.of(), List.of());
        return new ValidatedKillSwitch(tunnelId, tun, servers, true, lan.ipv4(), lan.ipv6());
    }

    /** For the journal and status: what it lets through besides the tunnel. */
    public String describe() {
        String lan = allowLan ? ", the local networks " + String.join(", ", lanIpv4)
                + (lanIpv4.isEmpty() || lanIpv6.isEmpty() ? "" : ", ") + String.join(", ", lanIpv6) : "";
        return "kill switch: nothing leaves outside " + tunInterface + " but loopback, DHCP, IPv6 neighbour discovery, "
                + "traffic to the server " + String.join(", ", serverAddresses.stream().map(ServerAddress::toString).toList())
                + lan;
    }
}
