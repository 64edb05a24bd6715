package io.netproxy.netconf.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.netconf.support.Ipv4Cidr;
import io.netproxy.netconf.support.Ipv6Cidr;
import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.UndoStep;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerTableTest {
    private final ServerTable table = new ServerTable("io.netproxy.tunnel~home", "np0", Ipv4Cidr.parse("10.8.0.1/24", "subnet"), "eth0");

    @Test
    void installReplacesTheTunnelsOwnTableInOneTransaction() {
        assertEquals("""
                table ip %1$s
                delete table ip %1$s
                table ip %1$s {
                \tchain forward {
                \t\ttype filter hook forward priority -1; policy accept;
                \t\tiifname "np0" accept comment "netproxy io.netproxy.tunnel~home"
                \t\toifname "np0" ct state established,related accept comment "netproxy io.netproxy.tunnel~home"
                \t}
                \tchain mss {
                \t\ttype filter hook forward priority -151; policy accept;
                \t\tiifname "np0" tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu comment "netproxy io.netproxy.tunnel~home"
                \t\toifname "np0" tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu comment "netproxy io.netproxy.tunnel~home"
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority 99; policy accept;
                \t\tip saddr 10.8.0.0/24 oifname "eth0" masquerade comment "netproxy io.netproxy.tunnel~home"
                \t}
                }
                """.formatted(table.name()), table.install());
    }

    @Test
    void theIpv6TableOfADualStackTunnelHasTheSameNameAndRulesInFamilyIp6() {
        ServerTable ipv6 = new ServerTable("io.netproxy.tunnel~home", "np0", Ipv6Cidr.parse("2001:db8:7e::/64", "subnet"), "eth0");
        assertEquals(table.name(), ipv6.name());
        assertEquals(table.install().replace("table ip ", "table ip6 ").replace("ip saddr 10.8.0.0/24", "ip6 saddr 2001:db8:7e::/64"),
                ipv6.install());
        assertEquals(new UndoStep(Tool.NFT, List.of("delete", "table", "ip6", ipv6.name()), "",
                "delete nftables table ip6 " + ipv6.name()), ipv6.remove());
    }

    @Test
    void removeDeletesTheWholeTable() {
        assertEquals(new UndoStep(Tool.NFT, List.of("delete", "table", "ip", table.name()), "",
                "delete nftables table ip " + table.name()), table.remove());
    }

    @Test
    void namesAreNftIdentifiersThatFitOldKernelsWhateverTheTunnelId() {
        assertTrue(table.name().matches("netproxy_[0-9a-f]{8}"), table.name());
        assertEquals(table.name(), ServerTable.nameOf("io.netproxy.tunnel~home"));
        assertTrue(ServerTable.nameOf("t".repeat(64)).length() < 32);
        assertNotEquals(ServerTable.nameOf("a"), ServerTable.nameOf("b"));
    }
}
