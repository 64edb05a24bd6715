package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.StaticIdentity;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 inside the tunnel (PROTOCOL.md 7.1, control types 3 and 4): a client asks, a server with an IPv6 pool answers
 * with the twin of the client's IPv4 lease, and both sides carry IPv6 with the source checked; a server without one
 * (or one that never answers, as older servers do) leaves the client IPv4-only.
 */
class Ipv6TunnelTest {
    private static final String POOL6 = "2001:db8:7e::/64";
    private static final String CLIENT6 = "2001:db8:7e::2";
    private static final String INTERNET6 = "2001:db8:ee::10";
    /** A sealed settings request: data header, the 3-byte control message (with its flags), tag. */
    private static final int REQUEST_LENGTH = Messages.DATA_HEADER_LENGTH + 3 + 16;

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();

    private TunnelSpec server(String pool6) {
        return TunnelHarness.keyServer("srv", serverKey.privateKey().clone(), List.of(alice.publicKey()), List.of())
                .toBuilder().pool6(pool6).build();
    }

    private TunnelSpec client() {
        return TunnelHarness.keyClient("alice", alice.privateKey().clone(), serverKey.publicKey());
    }

    private static <T extends Tunnel> TunnelHarness.Node<T> ipv6Capable(TunnelHarness.Node<T> node) {
        node.netconf.ipv6Inside = true;
        return node;
    }

    private static NetworkPlan latest(TunnelHarness.Node<?> node) {
        return node.netconf.plans.get(node.netconf.plans.size() - 1);
    }

    private static TunnelHarness.Node<ClientTunnel> connect(TunnelHarness net, TunnelSpec spec) throws IOException {
        TunnelHarness.Node<ClientTunnel> node = ipv6Capable(net.clientNode("198.51.100.10"));
        node.tunnel = ClientTunnel.start(spec, node.plugins);
        return node;
    }

    private static TunnelHarness.Node<ServerTunnel> serve(TunnelHarness net, TunnelSpec spec) throws IOException {
        return net.server(spec, Ipv6TunnelTest::ipv6Capable);
    }

    @Test
    void ipv6DnsServersComeWithTheIpv6SettingsAfterTheIpv4OnesAndNotWithNoDns() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                serve(net, server(POOL6).toBuilder().dns(List.of("2001:db8:ee::53", "192.0.2.53")).build());
                TunnelHarness.Node<ClientTunnel> client = connect(net, client());
                assertEquals(List.of("192.0.2.53", "2001:db8:ee::53"), latest(client).dns(), "in one plan, from the start");
            });
        }
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                serve(net, server(POOL6).toBuilder().dns(List.of("2001:db8:ee::53", "192.0.2.53")).build());
                TunnelHarness.Node<ClientTunnel> keepsItsOwn = connect(net, client().toBuilder().noDns(true).build());
                assertEquals(List.of("0.0.0.0/0", "::/0"), latest(keepsItsOwn).routes());
                assertEquals(List.of(), latest(keepsItsOwn).dns(), "noDns keeps the host's, IPv6 ones too");
            });
        }
    }

    @Test
    void inASplitTunnelTheServerRoutesItsDnsServersAndAClientUsesOnlyThoseItsRoutesReach() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                serve(net, server(POOL6).toBuilder().pushRoutes(List.of("10.0.0.0/8"))
                        .dns(List.of("192.0.2.53", "2001:db8:ee::53", "2001:db8:7e::53")).build());
                TunnelHarness.Node<ClientTunnel> client = connect(net, client());
                assertEquals(List.of("10.0.0.0/8", "192.0.2.53/32", "2001:db8:ee::53/128"), latest(client).routes(),
                        "a host route for each server outside the routes and the pool's network, which the device routes");
                assertEquals(List.of("192.0.2.53", "2001:db8:ee::53", "2001:db8:7e::53"), latest(client).dns());
            });
        }
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                serve(net, server(POOL6).toBuilder().pushRoutes(List.of("10.0.0.0/8"))
                        .dns(List.of("192.0.2.53", "2001:db8:ee::53", "2001:db8:7e::53")).build());
                TunnelHarness.Node<ClientTunnel> ownRoutes = connect(net,
                        client().toBuilder().routes(List.of("10.0.0.0/8", "2001:db8:7e::/48")).build());
                assertEquals(List.of("2001:db8:7e::53"), latest(ownRoutes).dns(),
                        "never a server that the client's own routes send outside the tunnel");
            });
        }
    }

    @Test
    void ipv6DnsServersNeedAnIpv6PoolAndAnIpv4ServerBeside() throws Exception {
        for (TunnelSpec refused : List.of(server(null).toBuilder().dns(List.of("192.0.2.53", "2001:db8:ee::53")).build(),
                server(POOL6).toBuilder().dns(List.of("2001:db8:ee::53")).build())) {
            try (TunnelHarness net = new TunnelHarness()) {
                IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> serve(net, refused));
                assertTrue(e.getMessage().contains("need an IPv6 pool (--pool6) and an IPv4 DNS server"), e.getMessage());
            }
        }
    }

    @Test
    void aDualStackTunnelCarriesIpv6BothWaysFromItsFirstPacket() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = serve(net, server(POOL6));
                assertEquals(POOL6, latest(server).tunnelSubnet6());
                assertEquals(List.of("10.67.0.1/24", "2001:db8:7e::1/64"), server.tunBackend.opened.get(0).addresses());

                TunnelHarness.Node<ClientTunnel> client = connect(net, client());
                // the host is set up once, with both families
                assertEquals(1, client.tunBackend.opened.size());
                assertEquals(List.of("10.67.0.2/24", CLIENT6 + "/64"), client.tunBackend.opened.get(0).addresses());
                assertEquals(List.of("0.0.0.0/0", "::/0"), latest(client).routes());
                assertTrue(latest(client).carriesIpv6());

                byte[] up = Packets.udp6(CLIENT6, INTERNET6, "up");
                client.tun().inject(up);
                assertArrayEquals(up, server.tun().awaitDelivered(Duration.ofSeconds(5)));
                byte[] down = Packets.udp6(INTERNET6, CLIENT6, "down");
                server.tun().inject(down);
                assertArrayEquals(down, client.tun().awaitDelivered(Duration.ofSeconds(5)));
                assertTrue(client.tunnel.status().tunAddress().contains(CLIENT6), client.tunnel.status().tunAddress());
            });
        }
    }

    @Test
    void theServerDropsIpv6FromAnotherSourceAndRoutesNoneOutsideThePool() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = serve(net, server(POOL6));
                TunnelHarness.Node<ClientTunnel> client = connect(net, client());

                client.tun().inject(Packets.udp6("2001:db8:7e::3", INTERNET6, "another client's address"));
                client.tun().inject(Packets.udp6("2001:db8:1::2", INTERNET6, "outside the pool"));
                TunnelHarness.await("both counted as spoofed", Duration.ofSeconds(5),
                        () -> server.counter("drop.spoofed-source") == 2);

                server.tun().inject(Packets.udp6(INTERNET6, "2001:db8:7e::3", "to a free address"));
                server.tun().inject(Packets.udp6(INTERNET6, "2001:db8:7f::2", "outside the pool"));
                TunnelHarness.await("no route for either", Duration.ofSeconds(5),
                        () -> server.counter("drop.no-route") >= 2);
                // each device's link-local chatter goes nowhere, counted apart from what no session serves
                long noRoute = server.counter("drop.no-route");
                client.tun().inject(Packets.udp6("fe80::1", "ff02::2", "router solicitation"));
                client.tun().inject(Packets.udp6("2001:db8:7e::2", "fe80::2", "to a link-local address"));
                server.tun().inject(Packets.udp6("fe80::1", "ff02::16", "listener report"));
                TunnelHarness.await("link-local on the client", Duration.ofSeconds(5),
                        () -> client.counter("drop.link-local") == 2);
                TunnelHarness.await("link-local on the server", Duration.ofSeconds(5),
                        () -> server.counter("drop.link-local") == 1);
                assertEquals(0, client.counter("drop.no-route"));
                assertEquals(noRoute, server.counter("drop.no-route"));
                assertEquals(0, server.tun().pending(), "nothing reached the server's device");
            });
        }
    }

    @Test
    void aServerWithoutAnIpv6PoolLeavesTheClientIpv4OnlyAtOnce() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                serve(net, server(null));
                long started = System.nanoTime();
                TunnelHarness.Node<ClientTunnel> client = connect(net, client());
                assertEquals(List.of("0.0.0.0/0"), latest(client).routes());
                assertEquals(List.of("10.67.0.2/24"), client.tunBackend.opened.get(0).addresses());
                client.tun().inject(Packets.udp6(CLIENT6, INTERNET6, "nowhere to go"));
                TunnelHarness.await("no route", Duration.ofSeconds(5), () -> client.counter("drop.no-route") == 1);
                assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
            });
        }
    }

    @Test
    void anIpv6DnsChangeReachesAClientAtItsNextHandshakeAndRebuildsNothingWithNoDns() throws Exception {
        TunnelSpec before = server(POOL6).toBuilder().dns(List.of("192.0.2.53", "2001:db8:ee::53")).build();
        TunnelSpec after = server(POOL6).toBuilder().dns(List.of("192.0.2.53", "2001:db8:ee::54")).build();
        for (boolean noDns : List.of(false, true)) {
            try (TunnelHarness net = new TunnelHarness(new FakeClock())) {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    TunnelHarness.Node<ServerTunnel> server = serve(net, before);
                    TunnelHarness.Node<ClientTunnel> client = connect(net, client().toBuilder().noDns(noDns).build());
                    int plans = client.netconf.plans.size();
                    assertTrue(server.tunnel.updateInPlace(after));
                    // the rekey after two minutes asks for the IPv6 settings again
                    for (int second = 0; second < 125; second++) net.second(server, client);
                    if (noDns) {
                        assertEquals(plans, client.netconf.plans.size(), "nothing to rebuild for servers it does not use");
                    } else {
                        assertEquals(List.of("192.0.2.53", "2001:db8:ee::54"), latest(client).dns());
                    }
                });
            }
        }
    }

    @Test
    void aChangeOfBothFamiliesDnsServersRebuildsTheClientOnceAndWithoutAnAnswerStill() throws Exception {
        TunnelSpec before = server(POOL6).toBuilder().dns(List.of("192.0.2.53", "2001:db8:ee::53")).build();
        TunnelSpec after = server(POOL6).toBuilder().dns(List.of("192.0.2.54", "2001:db8:ee::54")).build();
        for (boolean answered : List.of(true, false)) {
            try (TunnelHarness net = new TunnelHarness(new FakeClock())) {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    TunnelHarness.Node<ServerTunnel> server = serve(net, before);
                    TunnelHarness.Node<ClientTunnel> client = connect(net, client());
                    int plans = client.netconf.plans.size();
                    assertTrue(server.tunnel.updateInPlace(after));
                    // an older server never answers the settings request of the rekey's session: the IPv4 part still comes
                    if (!answered) net.network.lose(datagram -> datagram.data().length == REQUEST_LENGTH
                            && datagram.to().equals(TunnelHarness.SERVER));
                    for (int second = 0; second < 125; second++) net.second(server, client);
                    assertEquals(plans + 1, client.netconf.plans.size(), "one rebuild, for both families");
                    assertEquals(answered ? List.of("192.0.2.54", "2001:db8:ee::54") : List.of("192.0.2.54", "2001:db8:ee::53"),
                            latest(client).dns());
                });
            }
        }
    }

    @Test
    void withoutAnAnswerTheClientComesUpIpv4OnlyAndTakesIpv6WhenOneComesLater() throws Exception {
        try (TunnelHarness net = new TunnelHarness(new FakeClock())) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = serve(net, server(POOL6));
                // an older server drops the request unanswered; here the network loses it
                net.network.lose(datagram -> datagram.data().length == REQUEST_LENGTH
                        && datagram.to().equals(TunnelHarness.SERVER));
                TunnelHarness.Node<ClientTunnel> client = connect(net, client());
                assertEquals(List.of("0.0.0.0/0"), latest(client).routes());
                assertEquals(List.of("10.67.0.2/24"), client.tunBackend.opened.get(0).addresses());

                // the client asks again a second later; this time the request gets through
                net.network.lose(datagram -> false);
                net.second(server, client);
                TunnelHarness.await("the device is rebuilt with IPv6", Duration.ofSeconds(5),
                        () -> client.tunBackend.opened.size() == 2);
                assertEquals(List.of("10.67.0.2/24", CLIENT6 + "/64"), client.tunBackend.opened.get(1).addresses());
                assertEquals(List.of("0.0.0.0/0", "::/0"), latest(client).routes());
                assertEquals(1, client.netconf.applied.get(0).closes.get(), "the IPv4-only plan is reverted");
            });
        }
    }

    @Test
    void aServerRefusesAnIpv6PoolOnAConfiguratorWithoutIpv6() {
        try (TunnelHarness net = new TunnelHarness()) {
            IOException refused = assertThrows(IOException.class, () -> net.server(server(POOL6)));
            assertTrue(refused.getMessage().contains("cannot carry IPv6 inside the tunnel"), refused.getMessage());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
