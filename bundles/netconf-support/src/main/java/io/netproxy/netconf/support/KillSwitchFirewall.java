package io.netproxy.netconf.support;

import java.io.IOException;

/** A configurator's own part of a kill switch: the rules that drop what would leave outside the tunnel. */
@FunctionalInterface
public interface KillSwitchFirewall {
    /**
     * Journals and applies, through {@link JournaledPlan#make}, rules for IPv4 and IPv6 that drop every packet leaving
     * the host (sent or forwarded) except through the TUN device, to loopback, to the server's address, DHCP and
     * IPv6 neighbour discovery (hop limit 255), and to the kill switch's LAN networks with their extras.
     */
    void apply(ValidatedKillSwitch killSwitch, JournaledPlan applied) throws IOException;
}
