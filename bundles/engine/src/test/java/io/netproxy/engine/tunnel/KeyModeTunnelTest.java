package io.netproxy.engine.tunnel;

import static io.netproxy.engine.tunnel.TunnelHarness.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.TunSettings;
import io.netproxy.engine.protocol.StaticIdentity;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The data path with per-peer keys: several clients, address checks, stopping, transport swap. */
class KeyModeTunnelTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(300);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();
    private final StaticIdentity bob = StaticIdentity.generate();

    private TunnelHarness.Node<ServerTunnel> server(TunnelHarness net, String name, List<String> pushRoutes) throws IOException {
        return net.server(TunnelHarness.keyServer(name, serverKey.privateKey(),
                List.of(alice.publicKey(), bob.publicKey()), pushRoutes));
    }

    private TunnelHarness.Node<ClientTunnel> client(TunnelHarness net, String name, StaticIdentity key, String hostIp)
            throws IOException {
        return net.client(TunnelHarness.keyClient(name, key.privateKey(), serverKey.publicKey()), hostIp);
    }

    @Test
    void twoClientsGetDifferentAddressesAndOnlyTheirOwnPackets() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of("10.0.0.0/8", "192.168.7.0/24"));
                TunnelHarness.Node<ClientTunnel> a = client(net, "alice", alice, "198.51.100.10");
                TunnelHarness.Node<ClientTunnel> b = client(net, "bob", bob, "198.51.100.11");

                assertEquals("10.67.0.2/24", a.tunnel.status().tunAddress());
                assertEquals("10.67.0.3/24", b.tunnel.status().tunAddress());
                assertEquals(List.of(new TunSettings("np%d", 1400, List.of("10.67.0.3/24"), false)), b.tunBackend.opened);
                assertEquals(new NetworkPlan("bob", NetworkPlan.Role.CLIENT, "np0", null, null, "192.0.2.1",
                        List.of("10.0.0.0/8", "192.168.7.0/24"), List.of()), b.netconf.plans.get(0));
                assertEquals(Base64.getEncoder().encodeToString(alice.publicKey()), a.tunnel.status().publicKey());
                assertEquals(2, server.tunnel.status().peers().size());

                // Each client's packets reach the server with their own source address.
                byte[] fromA = Packets.udp("10.67.0.2", "10.1.2.3", "from alice");
                byte[] fromB = Packets.udp("10.67.0.3", "10.1.2.3", "from bob");
                a.tun().inject(fromA);
                assertArrayEquals(fromA, server.tun().awaitDelivered(WAIT));
                b.tun().inject(fromB);
                assertArrayEquals(fromB, server.tun().awaitDelivered(WAIT));

                // Each client receives only what is addressed to it.
                byte[] toA = Packets.udp("10.1.2.3", "10.67.0.2", "to alice");
                byte[] toB = Packets.udp("10.1.2.3", "10.67.0.3", "to bob");
                server.tun().inject(toB);
                server.tun().inject(toA);
                assertArrayEquals(toA, a.tun().awaitDelivered(WAIT));
                assertArrayEquals(toB, b.tun().awaitDelivered(WAIT));
                assertNull(a.tun().awaitDelivered(SHORT), "alice gets nothing else");
                assertNull(b.tun().awaitDelivered(SHORT), "bob gets nothing else");

                // Client to client goes through the server's host (its TUN), never directly.
                byte[] aToB = Packets.udp("10.67.0.2", "10.67.0.3", "alice to bob");
                a.tun().inject(aToB);
                assertArrayEquals(aToB, server.tun().awaitDelivered(WAIT));
                server.tun().inject(aToB);
                assertArrayEquals(aToB, b.tun().awaitDelivered(WAIT));

                // An address no client holds has no route.
                server.tun().inject(Packets.udp("10.1.2.3", "10.67.0.77", "nobody"));
                await("drop.no-route is counted", WAIT, () -> server.counter("drop.no-route") == 1);
                assertNull(a.tun().awaitDelivered(SHORT));
                assertNull(b.tun().awaitDelivered(SHORT));
                assertEquals(2, server.counter("handshakes"));
                assertEquals(3, server.counter("rx.packets"));
            });
        }
    }

    @Test
    void aKeyHoldsOneAddressWhateverClientIdItSends() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of());
                TunnelHarness.Node<ClientTunnel> first = client(net, "alice", alice, "198.51.100.10");
                assertEquals("10.67.0.2/24", first.tunnel.status().tunAddress());
                first.tunnel.stop();
                // A key's initiations must carry strictly newer timestamps, which move in steps of about 16.8 ms.
                Thread.sleep(50);
                // Without a state directory every start sends a fresh client id; in key mode the key is the client.
                TunnelHarness.Node<ClientTunnel> again = client(net, "alice-again", alice, "198.51.100.12");
                assertEquals("10.67.0.2/24", again.tunnel.status().tunAddress());
                assertEquals(1, server.tunnel.status().peers().size());
            });
        }
    }

    @Test
    void aClientCannotSendFromAnAddressThatIsNotItsOwn() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of());
                TunnelHarness.Node<ClientTunnel> a = client(net, "alice", alice, "198.51.100.10");
                TunnelHarness.Node<ClientTunnel> b = client(net, "bob", bob, "198.51.100.11");

                a.tun().inject(Packets.udp("10.67.0.3", "10.1.2.3", "pretending to be bob"));
                a.tun().inject(Packets.udp("10.67.0.1", "10.1.2.3", "pretending to be the server"));
                a.tun().inject(Packets.udp("172.16.0.9", "10.1.2.3", "from outside the pool"));
                await("three spoofed packets are counted", WAIT, () -> server.counter("drop.spoofed-source") == 3);
                assertNull(server.tun().awaitDelivered(SHORT), "nothing spoofed reached the server's TUN");
                assertEquals(0, server.counter("rx.packets"));

                // The session survives: genuine packets still pass, and only those.
                byte[] genuine = Packets.udp("10.67.0.2", "10.1.2.3", "really alice");
                a.tun().inject(genuine);
                assertArrayEquals(genuine, server.tun().awaitDelivered(WAIT));
                assertNull(server.tun().awaitDelivered(SHORT));
                assertEquals(3, server.drops(), () -> "only the spoofed packets were dropped: " + server.counters());
                assertEquals(0, b.drops());
            });
        }
    }

    @Test
    void stopRevertsTheNetworkPlanOnceAndClosesEverything() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of());
                TunnelHarness.Node<ClientTunnel> a = client(net, "alice", alice, "198.51.100.10");
                a.tun().inject(Packets.udp("10.67.0.2", "10.1.2.3", "hello"));
                server.tun().awaitDelivered(WAIT);

                for (TunnelHarness.Node<?> node : List.of(a, server)) {
                    String name = node.tunnel.name();
                    assertFalse(TunnelHarness.liveThreads(name).isEmpty());
                    RecordingNetconf.Applied plan = node.netconf.applied.get(0);
                    assertEquals(0, plan.closes.get());

                    node.tunnel.stop();
                    node.tunnel.stop(); // idempotent

                    assertTrue(node.tunnel.awaitStopped(1, TimeUnit.SECONDS), name);
                    assertFalse(node.tunnel.isRunning());
                    assertEquals("stopped", node.tunnel.status().state());
                    assertEquals(1, plan.closes.get(), name + ": the plan is reverted exactly once");
                    assertEquals(1, node.netconf.applied.size());
                    assertTrue(node.endpoint().isClosed(), name + ": endpoint closed");
                    assertEquals(1, node.transport.opened.size());
                    assertTrue(node.tun().isClosed(), name + ": TUN closed");
                    assertEquals(1, node.tun().closes.get());
                    await(name + "'s threads end", WAIT, () -> TunnelHarness.liveThreads(name).isEmpty());
                }
                // The port is free again.
                assertNull(net.network.endpoint(TunnelHarness.SERVER));
            });
        }
    }

    @Test
    void aServerThatCannotApplyItsNetworkPlanRevertsWhatItOpened() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ClientTunnel> node = net.clientNode(TunnelHarness.SERVER_IP); // only its fakes are used
                node.netconf.failWith(new IOException("iptables: command not found"));
                IOException e = assertThrows(IOException.class, () -> ServerTunnel.start(TunnelHarness.keyServer("srv",
                        serverKey.privateKey(), List.of(alice.publicKey()), List.of()), node.plugins));
                assertEquals("iptables: command not found", e.getMessage());
                assertTrue(node.tun().isClosed(), "the TUN device is closed again");
                assertTrue(node.transport.opened.isEmpty(), "no endpoint was opened");
                assertTrue(node.netconf.applied.isEmpty());
                await("the server's threads end", WAIT, () -> TunnelHarness.liveThreads("srv").isEmpty());
            });
        }
    }

    @Test
    void aClientMovesToAnotherTransportWithoutLosingTheTunnel() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of());
                TunnelHarness.Node<ClientTunnel> a = client(net, "alice", alice, "198.51.100.10");
                InMemoryNetwork.Endpoint before = a.endpoint();
                // TAI64N timestamps are rounded down to 2^24 ns: an initiation within ~17 ms of the previous one
                // carries the same timestamp and is rejected as a replay (then retried after 5 s).
                Thread.sleep(50);

                InMemoryNetwork.MemoryTransport next = (InMemoryNetwork.MemoryTransport) net.network.transport("memory2", "203.0.113.5");
                a.tunnel.swapTransport(a.transport, next);
                assertEquals(List.of(next), a.tunnel.transportsInUse());
                assertTrue(before.isClosed(), "the old endpoint is closed");
                // The client re-handshakes at once; the server follows it to its new address.
                await("the server sees the new handshake", WAIT, () -> server.counter("handshakes") == 2);
                String newEndpoint = "203.0.113.5:" + next.last().localAddress().getPort() + " (memory)";
                a.tun().inject(Packets.udp("10.67.0.2", "10.1.2.3", "after the move"));
                assertTrue(server.tun().awaitDelivered(WAIT) != null);
                await("the server's peer roams", WAIT,
                        () -> newEndpoint.equals(server.tunnel.status().peers().get(0).endpoint()));
                byte[] reply = Packets.udp("10.1.2.3", "10.67.0.2", "found you");
                server.tun().inject(reply);
                assertArrayEquals(reply, a.tun().awaitDelivered(WAIT));
                assertEquals("10.67.0.2", server.tunnel.status().peers().get(0).tunnelAddress(), "same lease");
                assertNotEquals(before.localAddress(), next.last().localAddress());

                a.tunnel.stop();
                assertTrue(next.last().isClosed(), "stop closes the endpoint in use");
                await("alice's threads end", WAIT, () -> TunnelHarness.liveThreads("alice").isEmpty());
            });
        }
    }

    /**
     * A TUN device can hand over a packet larger than the MTU the tunnel opened it with (its MTU raised with
     * {@code ip link} behind the engine's back): read(2) fills the whole buffer, MTU + 32 bytes. Such a packet
     * leaves no room for the tag. It must be dropped without ending the TUN reader.
     */
    @Test
    void aPacketLargerThanTheTunMtuIsDroppedAndTheTunReaderKeepsGoing() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of());
                TunnelHarness.Node<ClientTunnel> a = client(net, "alice", alice, "198.51.100.10");
                int mtu = a.tun().mtu();

                a.tun().inject(Packets.udp("10.67.0.2", "10.1.2.3", new byte[mtu + 20 - 28])); // mtu + 20 bytes
                byte[] fits = Packets.udp("10.67.0.2", "10.1.2.3", new byte[mtu - 28]);       // exactly the MTU
                a.tun().inject(fits);
                assertArrayEquals(fits, server.tun().awaitDelivered(WAIT), "the TUN reader survived");
                assertNull(server.tun().awaitDelivered(SHORT));
                assertEquals(1, a.counter("drop.oversized"));
                assertTrue(TunnelHarness.liveThreads("alice").contains("netproxy-alice-tun"));
            });
        }
    }

    /**
     * A session can be retired (its keys wiped) by the timer between the TUN reader's route() and its seal, and
     * a third-party suite can simply be faulty: a sealer that throws costs that packet, never the TUN reader.
     */
    @Test
    void aSealerThatThrowsCostsOnePacketNotTheTunReader() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, "srv", List.of());
                TunnelHarness.Node<ClientTunnel> a = client(net, "alice", alice, "198.51.100.10");

                server.suite.failingSeals.set(1);
                server.tun().inject(Packets.udp("10.1.2.3", "10.67.0.2", "lost"));
                byte[] next = Packets.udp("10.1.2.3", "10.67.0.2", "delivered");
                server.tun().inject(next);
                assertArrayEquals(next, a.tun().awaitDelivered(WAIT), "the TUN reader survived");
                assertNull(a.tun().awaitDelivered(SHORT));
                assertEquals(1, server.counter("send-errors"));
                assertTrue(TunnelHarness.liveThreads("srv").contains("netproxy-srv-tun"));
            });
        }
    }
}
