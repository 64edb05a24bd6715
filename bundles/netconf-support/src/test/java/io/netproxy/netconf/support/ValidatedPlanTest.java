package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ValidatedPlanTest {

    private static NetworkPlan server(String tunnelId, String tun, String subnet, String egress) {
        return new NetworkPlan(tunnelId, Role.SERVER, tun, subnet, egress, null, List.of(), List.of());
    }

    private static NetworkPlan client(String server, List<String> routes) {
        return new NetworkPlan("home", Role.CLIENT, "tun0", null, null, server, routes, List.of("192.0.2.53"));
    }

    private static void assertRejected(NetworkPlan plan, String expectedInMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidatedPlan.of(plan));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void acceptsAValidServerPlan() {
        ValidatedPlan plan = ValidatedPlan.of(server("io.netproxy.tunnel~home", "np0", "10.8.0.0/24", "eth0.100"));
        assertEquals("10.8.0.0/24", plan.tunnelSubnet().toString());
        assertEquals("eth0.100", plan.egressInterface());
    }

    @Test
    void clearsHostBitsOfASubnet() {
        assertEquals("10.8.0.0/24", ValidatedPlan.of(server("t", "tun0", "10.8.0.1/24", null)).tunnelSubnet().toString());
        assertEquals("0.0.0.0/0", Ipv4Cidr.parse("203.0.113.9/0", "route").toString());
    }

    @Test
    void acceptsAnIpv6ServerAddressWrittenInFull() {
        ValidatedPlan plan = ValidatedPlan.of(client("2001:db8:2::10", List.of("0.0.0.0/0")));
        assertTrue(plan.serverAddress().isIpv6());
        assertEquals("2001:db8:2:0:0:0:0:10", plan.serverAddress().toString());
        assertEquals("192.0.2.7", ValidatedPlan.of(client("::ffff:192.0.2.7", List.of())).serverAddress().toString());
    }

    @Test
    void acceptsAValidClientPlan() {
        ValidatedPlan plan = ValidatedPlan.of(client("198.51.100.7", List.of("0.0.0.0/0", "10.0.0.0/8")));
        assertEquals("198.51.100.7", plan.serverAddress().toString());
        assertEquals(List.of("0.0.0.0/0", "10.0.0.0/8"), plan.routes().stream().map(Ipv4Cidr::toString).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.8.0.0", "10.8.0/24", "10.8.0.0/33", "10.8.0.0/-1", "10.8.0.0/024", "010.8.0.0/24",
            "256.8.0.0/24", "10.8.0.0/24 -j ACCEPT", "10.8.0.0/24\n-A FORWARD -j ACCEPT", "a.b.c.d/8", "",
            "10.8.0.0/", "::/0", "10.8.0.0.0/24", " 10.8.0.0/24"})
    void rejectsMalformedSubnets(String subnet) {
        assertRejected(server("t", "tun0", subnet, null), "tunnel subnet '" + subnet + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0 -j ACCEPT", "-j", "eth0;reboot", "eth0\"", "eth0\n", "", "abcdefghijklmnop", "..",
            "eth/0", "eth0*"})
    void rejectsUnsafeInterfaceNames(String name) {
        assertRejected(server("t", "tun0", "10.8.0.0/24", name), "egress interface '" + name + "'");
        assertRejected(server("t", name, "10.8.0.0/24", null), "TUN interface '" + name + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\"b", "a b", "../x", "-x", ".hidden", "a/b", "a\nb", ""})
    void rejectsUnsafeTunnelIds(String tunnelId) {
        assertRejected(server(tunnelId, "tun0", "10.8.0.0/24", null), "tunnel id");
    }

    @Test
    void rejectsABadServerAddressOrRoute() {
        assertRejected(client("vpn.example.org", List.of()), "server address 'vpn.example.org' is neither an IPv4 address");
        for (String bad : List.of("2001:db8::1 -j ACCEPT", "2001:db8::1%eth0", "2001:db8::g", "2001:db8::1/128", ":",
                "[2001:db8::1]", "2001:db8:::1")) {
            assertRejected(client(bad, List.of()), "server address '" + bad + "' is neither");
        }
        assertRejected(client("198.51.100.7/32", List.of()), "server address");
        assertRejected(client("198.51.100.7", List.of("10.0.0.0/8", "10.1.2.3")), "route '10.1.2.3' has no prefix length");
    }

    @Test
    void takesADualStackServerAndIpv6RoutesWrittenAsRfc5952Says() {
        NetworkPlan server = new NetworkPlan("t", Role.SERVER, "tun0", "10.8.0.0/24", "2001:DB8:7E:0::/64", null, null,
                List.of(), List.of());
        assertEquals("2001:db8:7e::/64", ValidatedPlan.of(server).tunnelSubnet6().toString());
        assertEquals(null, ValidatedPlan.of(server("t", "tun0", "10.8.0.0/24", null)).tunnelSubnet6());
        ValidatedPlan client = ValidatedPlan.of(client("198.51.100.7", List.of("0.0.0.0/0", "::/0", "2001:db8:1::5/48")));
        assertEquals(List.of("0.0.0.0/0"), client.routes().stream().map(Ipv4Cidr::toString).toList());
        assertEquals(List.of("::/0", "2001:db8:1::/48"), client.routes6().stream().map(Ipv6Cidr::toString).toList(),
                "host bits cleared");
        assertEquals("2001:0:0:1::/64", Ipv6Cidr.parse("2001:0:0:1:0:0:0:0/64", "route").toString(), "the longest run");
        assertEquals("1:2:3:4:5:6:7:8/128", Ipv6Cidr.parse("1:2:3:4:5:6:7:8/128", "route").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/129", "2001:db8::", "2001:db8::/-1", "2001:db8::/064", "::ffff:10.0.0.0/104",
            "2001:db8::g/64", "2001:db8::/64 -j ACCEPT", "2001:db8::%eth0/64", "vpn.example.org/64", "10.0.0.0/8",
            "[2001:db8::]/64", "2001:db8:::/64", "/64", ""})
    void rejectsMalformedIpv6Subnets(String subnet) {
        NetworkPlan plan = new NetworkPlan("t", Role.SERVER, "tun0", "10.8.0.0/24", subnet, null, null, List.of(), List.of());
        assertRejected(plan, "IPv6 tunnel subnet '" + subnet + "'");
    }

    @Test
    void ignoresFieldsTheRoleDoesNotUse() {
        NetworkPlan plan = new NetworkPlan("t", Role.SERVER, "tun0", "10.8.0.0/24", null, "not an address",
                List.of("junk"), List.of());
        assertEquals(List.of(), ValidatedPlan.of(plan).routes());
    }
}
