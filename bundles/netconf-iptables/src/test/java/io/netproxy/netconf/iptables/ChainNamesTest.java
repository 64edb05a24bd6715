package io.netproxy.netconf.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChainNamesTest {

    @Test
    void namesAreStablePerTunnelAndInNetproxysNamespace() {
        ChainNames chains = ChainNames.forTunnel("home");
        assertEquals(chains, ChainNames.forTunnel("home"));
        assertTrue(chains.forward().matches("NETPROXY-[0-9a-f]{8}-FWD"), chains.forward());
        assertTrue(chains.nat().matches("NETPROXY-[0-9a-f]{8}-NAT"), chains.nat());
        assertTrue(chains.mss().matches("NETPROXY-[0-9a-f]{8}-MSS"), chains.mss());
    }

    @Test
    void namesFitIptablesLimitWhateverTheTunnelIdLength() {
        ChainNames chains = ChainNames.forTunnel("t".repeat(64));
        for (String chain : new String[] {chains.forward(), chains.nat(), chains.mss()}) {
            assertTrue(chain.length() <= 28, chain);
        }
    }

    @Test
    void differentTunnelsGetDifferentChains() {
        assertNotEquals(ChainNames.forTunnel("a").forward(), ChainNames.forTunnel("b").forward());
    }
}
