package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Samples are real output of iproute2 6.1 (Debian 12). */
class RouteOutputParserTest {
    private static final String SERVER = "198.51.100.7";

    @Test
    void routeThroughAGateway() throws IOException {
        RouteToServer route = RouteOutputParser.parseRouteGet(
                "198.51.100.7 via 192.0.2.1 dev up0 src 192.0.2.2 uid 0 \n    cache \n", SERVER);
        assertEquals(new RouteToServer(false, List.of("192.0.2.1"), "up0"), route);
    }

    @Test
    void onLinkRouteHasNoGateway() throws IOException {
        RouteToServer route = RouteOutputParser.parseRouteGet(
                "192.0.2.1 dev up0 src 192.0.2.2 uid 0 \n    cache \n", SERVER);
        assertEquals(new RouteToServer(false, List.of(), "up0"), route);
    }

    @Test
    void ownAddressAndLoopbackAreLocal() throws IOException {
        assertTrue(RouteOutputParser.parseRouteGet(
                "local 192.0.2.2 dev lo src 192.0.2.2 uid 0 \n    cache <local> \n", SERVER).local());
        assertTrue(RouteOutputParser.parseRouteGet(
                "local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n", SERVER).local());
    }

    @Test
    void gatewayOfAnotherFamily() throws IOException {
        RouteToServer route = RouteOutputParser.parseRouteGet(
                "198.51.100.7 via inet6 fe80::1 dev eth0 src 192.0.2.2 uid 0 \n    cache \n", SERVER);
        assertEquals(List.of("inet6", "fe80::1"), route.via());
    }

    @Test
    void ipv6RoutesThroughAGatewayOrOnLink() throws IOException {
        assertEquals(new RouteToServer(false, List.of("2001:db8:c1::1"), "eth0"), RouteOutputParser.parseRouteGet(
                "2001:db8:5e::10 from :: via 2001:db8:c1::1 dev eth0 proto static src 2001:db8:c1::2 metric 1024 pref medium\n",
                "2001:db8:5e:0:0:0:0:10"));
        assertEquals(new RouteToServer(false, List.of("fe80::1"), "wlan0"), RouteOutputParser.parseRouteGet(
                "fd00::10 from :: via fe80::1 dev wlan0 proto ra src fd00::2 metric 600 pref medium\n", "fd00:0:0:0:0:0:0:10"),
                "an address that starts with a letter is no route type");
        assertEquals(new RouteToServer(false, List.of(), "eth0"), RouteOutputParser.parseRouteGet(
                "2001:db8:c1::7 from :: dev eth0 proto kernel src 2001:db8:c1::2 metric 256 pref medium\n", "2001:db8:c1::7"));
        assertTrue(RouteOutputParser.parseRouteGet(
                "local 2001:db8:c1::2 dev lo table local proto kernel src 2001:db8:c1::2 metric 0 pref medium\n",
                "2001:db8:c1::2").local());
    }

    @Test
    void broadcastAddressIsRefused() {
        IOException e = assertThrows(IOException.class, () -> RouteOutputParser.parseRouteGet(
                "broadcast 192.0.2.255 dev up0 src 192.0.2.2 uid 0 \n    cache <local,brd> \n", SERVER));
        assertTrue(e.getMessage().contains("not reachable by unicast"), e.getMessage());
    }

    @Test
    void emptyOutputIsAnError() {
        assertThrows(IOException.class, () -> RouteOutputParser.parseRouteGet("", SERVER));
    }

    @Test
    void defaultRouteDeviceIsTheFirstRoutes() {
        assertEquals(Optional.of("up0"), RouteOutputParser.defaultRouteDevice(
                "default via 192.0.2.1 dev up0 \ndefault via 203.0.113.1 dev up1 metric 200 \n"));
        assertEquals(Optional.of("enp1s0"), RouteOutputParser.defaultRouteDevice(
                "default via 10.0.0.1 dev enp1s0 proto dhcp src 10.0.0.5 metric 100 \n"));
        assertEquals(Optional.of("ppp0"), RouteOutputParser.defaultRouteDevice("default dev ppp0 scope link \n"));
    }

    @Test
    void multipathDefaultRouteUsesItsFirstNextHop() {
        assertEquals(Optional.of("eth1"), RouteOutputParser.defaultRouteDevice("""
                default proto static metric 100\s
                \tnexthop via 192.0.2.1 dev eth1 weight 1\s
                \tnexthop via 192.0.2.3 dev eth2 weight 2\s
                """));
    }

    @Test
    void noDefaultRoute() {
        assertEquals(Optional.empty(), RouteOutputParser.defaultRouteDevice(""));
    }

    @Test
    void existingRoutesTellNetproxysMetricsFromOthers() {
        RouteOutputParser.ExistingRoutes none = RouteOutputParser.existing("", "67");
        assertEquals(0, none.freeMetric(0));
        assertEquals(false, none.others());

        RouteOutputParser.ExistingRoutes ours = RouteOutputParser.existing(
                "0.0.0.0/1 dev np0 proto 67 scope link \n0.0.0.0/1 dev np0 proto 67 scope link metric 1 \n", "67");
        assertEquals(List.of(0, 1), ours.netproxyMetrics());
        assertEquals(2, ours.freeMetric(0));
        assertEquals(false, ours.others());

        RouteOutputParser.ExistingRoutes users = RouteOutputParser.existing(
                "198.51.100.7 via 192.0.2.1 dev up0 \n198.51.100.7 via 192.0.2.1 dev up0 proto 67 metric 3 \n", "67");
        assertTrue(users.others());
        assertEquals(4, users.freeMetric(0));
    }
}
