package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientSetupTest {

    private static List<String> expand(String... routes) {
        return ClientSetup.tunnelRoutes(List.of(routes).stream().map(route -> Ipv4Cidr.parse(route, "route")).toList())
                .stream().map(Ipv4Cidr::toString).toList();
    }

    @Test
    void fullTunnelBecomesTwoHalvesSoTheDefaultRouteStays() {
        assertEquals(List.of("0.0.0.0/1", "128.0.0.0/1"), expand("0.0.0.0/0"));
    }

    @Test
    void otherRoutesStayAsGivenWithoutDuplicates() {
        assertEquals(List.of("10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1", "192.168.0.0/16"),
                expand("10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16", "10.0.0.0/8", "0.0.0.0/1"));
    }

    @Test
    void allOfIpv6BecomesTwoHalvesToo() {
        List<Ipv6Cidr> routes = ClientSetup.tunnelRoutes6(List.of(Ipv6Cidr.parse("::/0", "route"),
                Ipv6Cidr.parse("2001:db8::/32", "route"), Ipv6Cidr.parse("::/1", "route")));
        assertEquals(List.of("::/1", "8000::/1", "2001:db8::/32"), routes.stream().map(Ipv6Cidr::toString).toList());
    }
}
