package io.netproxy.netconf.support;

import java.io.IOException;
import java.util.List;

/** A configurator's own part of a client plan: the rules that keep traffic from leaving outside the tunnel. */
public interface ClientFirewall {
    /**
     * Journals and applies, through {@link JournaledPlan#make}, rules for IPv4 and IPv6 that drop every packet leaving
     * the host (sent or forwarded) except through the TUN device, to loopback, to the server's address, DHCP and
     * IPv6 neighbour discovery (hop limit 255), and to the kill switch's LAN networks with their extras.
     */
    void killSwitch(ValidatedKillSwitch killSwitch, JournaledPlan applied) throws IOException;

    /**
     * Journals and applies rules that drop IPv6 leaving the host (sent or forwarded) except through the TUN device, to
     * loopback, to link-local destinations ({@value #LINK_LOCAL_UNICAST}, {@value #LINK_LOCAL_MULTICAST}) and to the
     * server's IPv6 addresses among {@code servers}: while a full tunnel carries all IPv4, IPv6 would otherwise take
     * the host's own routes around it.
     */
    void blockIpv6(String tunnelId, String tunInterface, List<ServerAddress> servers, JournaledPlan applied)
            throws IOException;

    /** What an IPv6 block lets out, for the journal and status. */
    static String describeIpv6Block(String tunInterface, List<ServerAddress> servers) {
        List<String> ipv6 = servers.stream().filter(ServerAddress::isIpv6).map(ServerAddress::toString).toList();
        return "no IPv6 leaves but through " + tunInterface + (ipv6.isEmpty() ? "" : ", to the server " + String.join(", ", ipv6))
                + " or to link-local addresses, so that no IPv6 goes around the full tunnel";
    }

    String LINK_LOCAL_UNICAST = "fe80::/10";
    String LINK_LOCAL_MULTICAST = "ff02::/16";
}
