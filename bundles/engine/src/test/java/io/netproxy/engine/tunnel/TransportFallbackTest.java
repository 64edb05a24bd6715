package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The automatic transport policy on a fake clock: a server on "udp" and "tcp" at once, a client that falls back to
 * "tcp" when "udp" goes unanswered and returns when it answers again. "udp" and "tcp" are two in-memory media, so
 * blocking one is {@link InMemoryNetwork#lose} on it.
 */
class TransportFallbackTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final String CLIENT_IP = "198.51.100.10";

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();
    private final FakeClock clock = new FakeClock();

    @Test
    void aServerListensOnBothAndAnswersEachClientOnTheTransportItCameOn() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, name -> true);
                assertEquals("udp+tcp", server.tunnel.status().transport());
                net.tcpNetwork.lose(d -> false);
                TunnelHarness.Node<ClientTunnel> client = client(net);
                assertEquals("udp", client.tunnel.status().transport());
                assertTrue(server.tunnel.status().peers().get(0).endpoint().endsWith("(udp)"));
                TunnelHarness.roundTrip(server, client, "on udp");
            });
        }
    }

    @Test
    void aClientFallsBackToTcpWhenUdpIsBlockedAndReturnsWhenItIsNot() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, name -> true);
                TunnelHarness.Node<ClientTunnel> client = client(net);
                TunnelHarness.roundTrip(server, client, "before the block");

                net.network.lose(d -> true);
                int seconds = 0;
                while (!"tcp".equals(client.tunnel.status().transport()) || !"connected".equals(client.tunnel.status().state())) {
                    client.tun().inject(Packets.udp("10.67.0.2", "192.0.2.99", "while blocked " + seconds));
                    net.second(server, client);
                    assertTrue(++seconds <= 15, "on tcp within 15 s of the block: " + client.tunnel.status());
                }
                assertTrue(seconds >= 5, "not before UDP went unanswered: " + seconds);
                // what was sent while blocked may still arrive (over tcp, once the session moved); it is skipped
                roundTripAfter(server, client, "on tcp");
                assertTrue(server.tunnel.status().peers().get(0).endpoint().endsWith("(tcp)"),
                        server.tunnel.status().peers().toString());

                net.network.lose(d -> false);
                seconds = 0;
                while (!"udp".equals(client.tunnel.status().transport())) {
                    net.second(server, client);
                    assertTrue(++seconds <= 15, "back on udp within a probe interval: " + client.tunnel.status());
                }
                TunnelHarness.roundTrip(server, client, "back on udp");
                assertTrue(server.tunnel.status().peers().get(0).endpoint().endsWith("(udp)"));
                assertEquals(List.of("udp"), client.tunnel.transportsInUse().stream().map(t -> t.name()).toList(),
                        "the tcp connection is closed again");
            });
        }
    }

    @Test
    void aClientThatNeverGetsAnUdpAnswerConnectsOverTcp() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, name -> true);
                net.network.lose(d -> true);
                TunnelHarness.Node<ClientTunnel> node = net.automaticNode(CLIENT_IP, name -> true);
                CompletableFuture<ClientTunnel> connecting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ClientTunnel.start(TunnelHarness.keyClient("alice", alice.privateKey(),
                                serverKey.publicKey()), node.plugins);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                // the tunnel object is the caller's only once connected: its own timer (once a real second) ticks it,
                // and sees the fake clock moved on far enough for the fallback
                for (int i = 0; i < 100 && !connecting.isDone(); i++) {
                    clock.advance(SECOND);
                    Thread.sleep(100);
                }
                node.tunnel = connecting.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertEquals("tcp", node.tunnel.status().transport());
                TunnelHarness.roundTrip(server, node, "connected over tcp");
            });
        }
    }

    @Test
    void aServerKeepsServingOnTcpWhenUdpIsUninstalledAndListensOnATransportInstalledLater() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                Set<String> installed = ConcurrentHashMap.newKeySet();
                installed.add("udp");
                TunnelHarness.Node<ServerTunnel> server = server(net, installed::contains);
                assertEquals("udp", server.tunnel.status().transport());
                installed.add("tcp");
                server.tunnel.transportAdded(server.plugins.transports().installed().apply("tcp").orElseThrow());
                assertEquals("udp+tcp", server.tunnel.status().transport());

                io.netproxy.api.Transport udp = server.plugins.transports().installed().apply("udp").orElseThrow();
                assertTrue(server.tunnel.canLetGo(udp));
                server.tunnel.letGo(udp);
                assertEquals("tcp", server.tunnel.status().transport());
                assertTrue(server.endpoint().isClosed(), "the udp endpoint is closed");
                io.netproxy.api.Transport tcp = server.plugins.transports().installed().apply("tcp").orElseThrow();
                assertTrue(!server.tunnel.canLetGo(tcp), "the last transport is not let go");
            });
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private TunnelHarness.Node<ServerTunnel> server(TunnelHarness net, java.util.function.Predicate<String> installed)
            throws Exception {
        TunnelHarness.Node<ServerTunnel> node = net.automaticNode(TunnelHarness.SERVER_IP, installed);
        node.tunnel = ServerTunnel.start(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                List.of(alice.publicKey()), List.of()), node.plugins);
        return node;
    }

    private TunnelHarness.Node<ClientTunnel> client(TunnelHarness net) throws Exception {
        TunnelHarness.Node<ClientTunnel> node = net.automaticNode(CLIENT_IP, name -> true);
        node.tunnel = ClientTunnel.start(TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()),
                node.plugins);
        return node;
    }


    /** A round trip whose packets may arrive behind others still on their way, which are skipped. */
    private static void roundTripAfter(TunnelHarness.Node<ServerTunnel> server, TunnelHarness.Node<ClientTunnel> client,
                                       String label) throws InterruptedException {
        byte[] up = Packets.udp("10.67.0.2", "192.0.2.99", "up " + label);
        client.tun().inject(up);
        awaitPacket(server.tun(), up, "client to server " + label);
        byte[] down = Packets.udp("192.0.2.99", "10.67.0.2", "down " + label);
        server.tun().inject(down);
        awaitPacket(client.tun(), down, "server to client " + label);
    }

    private static void awaitPacket(FakeTun.Device tun, byte[] expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] delivered = tun.awaitDelivered(Duration.ofMillis(100));
            if (delivered != null && java.util.Arrays.equals(expected, delivered)) return;
        }
        throw new AssertionError(what + ": not delivered within " + WAIT);
    }
}
