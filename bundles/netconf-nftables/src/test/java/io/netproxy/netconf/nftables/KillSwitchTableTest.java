package io.netproxy.netconf.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.netconf.support.Ipv4Address;
import io.netproxy.netconf.support.ServerAddress;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillSwitchTableTest {
    private static final ServerAddress SERVER = new ServerAddress(new Ipv4Address(0xc6336407), null); // 198.51.100.7
    private static final ServerAddress IPV6_SERVER = new ServerAddress(null, "2001:db8:2:0:0:0:0:10");

    @Test
    void oneInetTableOfItsOwnWhoseChainsDropWhatTheyDoNotPass() {
        KillSwitchTable table = KillSwitchTable.killSwitch(new ValidatedKillSwitch("home", "np0", List.of(SERVER), false, List.of(), List.of()));
        assertEquals(ServerTable.nameOf("home").replace("netproxy_", "netproxy_ks_"), table.name());
        String text = table.install();
        assertTrue(text.startsWith("table inet " + table.name() + "\ndelete table inet " + table.name() + "\n"), text);
        assertTrue(text.contains("type filter hook output priority -1; policy accept;"), text);
        assertTrue(text.contains("type filter hook forward priority -1; policy accept;"), text);
        assertTrue(text.contains("oifname \"np0\" accept") && text.contains("ip daddr 198.51.100.7 accept"), text);
        assertEquals(2, text.split("counter drop", -1).length - 1, "each chain ends in a drop: " + text);
        assertTrue(!text.contains("224.0.0.0/4"), "no LAN without allowLan: " + text);
        assertEquals(List.of("delete", "table", "inet", table.name()), table.remove("").args());
    }

    @Test
    void theIpv6BlockIsAnIp6TableThatPassesTheTunnelAndLinkLocalAddresses() {
        KillSwitchTable table = KillSwitchTable.ipv6Block("home", "np0", List.of(SERVER));
        assertEquals("ip6", table.family());
        assertEquals(ServerTable.nameOf("home").replace("netproxy_", "netproxy_v6_"), table.name());
        String text = table.install();
        assertTrue(text.contains("oifname \"np0\" accept") && text.contains("ip6 daddr fe80::/10 accept")
                && text.contains("ip6 daddr ff02::/16 accept"), text);
        assertTrue(!text.contains("198.51.100.7"), text);
    }

    @Test
    void aServerReachedOverIpv6PassesAsAnIpv6Destination() {
        String killSwitch = KillSwitchTable.killSwitch(new ValidatedKillSwitch("home", "np0", List.of(IPV6_SERVER), false,
                List.of(), List.of())).install();
        assertTrue(killSwitch.contains("ip6 daddr 2001:db8:2:0:0:0:0:10 accept"), killSwitch);
        assertTrue(!killSwitch.contains("ip daddr 2001"), killSwitch);
        String block = KillSwitchTable.ipv6Block("home", "np0", List.of(IPV6_SERVER)).install();
        assertTrue(block.contains("ip6 daddr 2001:db8:2:0:0:0:0:10 accept"), block);
        String both = KillSwitchTable.killSwitch(new ValidatedKillSwitch("home", "np0", List.of(SERVER, IPV6_SERVER), false,
                List.of(), List.of())).install();
        assertTrue(both.contains("ip daddr 198.51.100.7 accept") && both.contains("ip6 daddr 2001:db8:2:0:0:0:0:10 accept"),
                both);
    }

    @Test
    void allowingTheLanPassesEachNetworkInARuleOfItsOwn() {
        String text = KillSwitchTable.killSwitch(new ValidatedKillSwitch("home", "np0", List.of(SERVER), true, List.of("192.0.2.0/24"),
                List.of("2001:db8:2:0:0:0:0:0/64"))).install();
        assertTrue(text.contains("ip daddr 192.0.2.0/24 accept") && text.contains("ip daddr 224.0.0.0/4 accept")
                && text.contains("ip6 daddr 2001:db8:2:0:0:0:0:0/64 accept") && text.contains("ip6 daddr ff00::/8 accept"), text);
    }
}
