package io.netproxy.netconf.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.netconf.support.IptablesScript;
import io.netproxy.netconf.support.Ipv4Address;
import io.netproxy.netconf.support.ServerAddress;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillSwitchRulesTest {
    private static final ServerAddress SERVER = new ServerAddress(new Ipv4Address(0xc6336407), null); // 198.51.100.7

    @Test
    void passesTheTunnelTheServerAndDhcpThenDropsAndJumpsFromOutputAndForward() {
        KillSwitchRules rules = new KillSwitchRules(new ValidatedKillSwitch("home", "np0", List.of(SERVER), false, List.of(), List.of()));
        List<String> statements = rules.installIpv4().tables().get(0).statements();
        String chain = ChainNames.forTunnel("home").killSwitch();
        assertEquals(List.of(
                ":" + chain + " - [0:0]",
                "-A " + chain + " -o lo -j RETURN",
                "-A " + chain + " -o np0 -j RETURN",
                "-A " + chain + " -d 198.51.100.7/32 -j RETURN",
                "-A " + chain + " -p udp -m udp --sport 68 --dport 67 -j RETURN",
                "-A " + chain + " -j DROP",
                "-I OUTPUT 1 -m comment --comment \"netproxy home kill switch\" -j " + chain,
                "-I FORWARD 1 -m comment --comment \"netproxy home kill switch\" -j " + chain), statements);
        String ipv6 = rules.installIpv6().render();
        assertTrue(ipv6.contains("--icmpv6-type neighbour-solicitation -m hl --hl-eq 255 -j RETURN"), ipv6);
        assertTrue(!ipv6.contains("198.51.100.7"), "no IPv4 address in ip6tables input: " + ipv6);
    }

    @Test
    void aServerReachedOverIpv6PassesInIp6tablesOnly() {
        KillSwitchRules rules = new KillSwitchRules(new ValidatedKillSwitch("home", "np0",
                List.of(new ServerAddress(null, "2001:db8:2:0:0:0:0:10")), false, List.of(), List.of()));
        String ipv4 = rules.installIpv4().render();
        String ipv6 = rules.installIpv6().render();
        assertTrue(ipv6.contains("-d 2001:db8:2:0:0:0:0:10/128 -j RETURN"), ipv6);
        assertTrue(!ipv4.contains("2001:db8"), ipv4);
    }

    @Test
    void aServerWithAnAddressOfEachFamilyPassesBothEachInItsOwnTool() {
        KillSwitchRules rules = new KillSwitchRules(new ValidatedKillSwitch("home", "np0",
                List.of(SERVER, new ServerAddress(null, "2001:db8:2:0:0:0:0:10")), false, List.of(), List.of()));
        String ipv4 = rules.installIpv4().render();
        String ipv6 = rules.installIpv6().render();
        assertTrue(ipv4.contains("-d 198.51.100.7/32 -j RETURN") && !ipv4.contains("2001:db8"), ipv4);
        assertTrue(ipv6.contains("-d 2001:db8:2:0:0:0:0:10/128 -j RETURN") && !ipv6.contains("198.51.100.7"), ipv6);
    }

    @Test
    void allowingTheLanPassesItsNetworksAndTheirMulticast() {
        KillSwitchRules rules = new KillSwitchRules(new ValidatedKillSwitch("home", "np0", List.of(SERVER), true,
                List.of("192.0.2.0/24"), List.of("2001:db8:2:0:0:0:0:0/64")));
        String ipv4 = rules.installIpv4().render();
        String ipv6 = rules.installIpv6().render();
        assertTrue(ipv4.contains("-d 192.0.2.0/24 -j RETURN") && ipv4.contains("-d 224.0.0.0/4 -j RETURN"), ipv4);
        assertTrue(ipv6.contains("-d 2001:db8:2:0:0:0:0:0/64 -j RETURN") && ipv6.contains("-d fe80::/10 -j RETURN"), ipv6);
    }

    @Test
    void removalDeletesTheJumpsThenTheChain() {
        IptablesScript remove = new KillSwitchRules(new ValidatedKillSwitch("home", "np0", List.of(SERVER), false, List.of(),
                List.of())).remove();
        String chain = ChainNames.forTunnel("home").killSwitch();
        assertEquals(List.of("-D OUTPUT -m comment --comment \"netproxy home kill switch\" -j " + chain,
                "-D FORWARD -m comment --comment \"netproxy home kill switch\" -j " + chain,
                "-F " + chain, "-X " + chain), remove.tables().get(0).statements());
    }
}
