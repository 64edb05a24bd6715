package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.Transport;
import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Moving a running tunnel to another transport or cipher suite, on a fake clock: traffic flows before, during and
 * after, and what the tunnel let go of is closed.
 */
class LiveSwapTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();
    private final FakeClock clock = new FakeClock();

    @Test
    void aClientMovesToAnotherTransportOnCommand() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = client(net);
                net.second(server, client);
                client.tunnel.moveTo(transport(client, "tcp"));
                net.second(server, client);
                assertEquals("tcp", client.tunnel.status().transport());
                TunnelHarness.roundTrip(server, client, "after the move");
                assertTrue(server.tunnel.status().peers().get(0).endpoint().endsWith("(tcp)"));
                assertEquals(List.of("tcp"), names(client.tunnel.transportsInUse()));
                assertEquals(0, client.drops() + server.drops(), "nothing lost on the way");
            });
        }
    }

    @Test
    void aServerMovesItsClientsBeforeItClosesTheTransportTheyUse() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = client(net);
                assertEquals("udp+tcp", server.tunnel.status().transport());
                net.second(server, client);

                server.tunnel.moveTo(transport(server, "tcp"));
                // the notice goes out on the timer; the client moves and handshakes over tcp, then confirms the new
                // session with a keepalive, and the server's next tick finds the udp endpoint unused
                int seconds = 0;
                while (!"tcp".equals(server.tunnel.status().transport())) {
                    net.second(server, client);
                    assertTrue(++seconds < ServerTunnel.LET_GO_AFTER_NANOS / 1_000_000_000L,
                            "closed because the client moved, before the deadline: " + server.tunnel.status());
                }
                assertEquals("tcp", client.tunnel.status().transport(), "the client followed the server");
                assertTrue(server.endpoint().isClosed());
                TunnelHarness.roundTrip(server, client, "after the server moved");
            });
        }
    }

    /** Both ends' sessions are on {@code suite}, and packets go both ways over them. */
    private static void assertBothOn(String suite, TunnelHarness.Node<ServerTunnel> server,
                                     TunnelHarness.Node<ClientTunnel> client) throws InterruptedException {
        TunnelHarness.roundTrip(server, client, "on " + suite);
        assertEquals(suite, client.tunnel.status().peers().get(0).cipher());
        assertEquals(suite, server.tunnel.status().peers().get(0).cipher());
    }

    /** A client connected to {@code server}, both with a second suite, "alt-gcm", installed beside the first. */
    private TunnelHarness.Node<ClientTunnel> connectedWithAnotherSuite(TunnelHarness net,
                                                                       TunnelHarness.Node<ServerTunnel> server)
            throws java.io.IOException {
        server.suites.add(new TestAesGcm("alt-gcm", 200));
        TunnelHarness.Node<ClientTunnel> client = net.automaticNode("198.51.100.10", name -> true);
        client.suites.add(new TestAesGcm("alt-gcm", 200));
        client.tunnel = ClientTunnel.start(TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()),
                client.plugins);
        return client;
    }

    @Test
    void aServerThatAcceptsAnotherSuiteHasItsClientHandshakeAgainAtOnce() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = connectedWithAnotherSuite(net, server);
                assertEquals("aes-256-gcm", server.tunnel.status().peers().get(0).cipher());
                net.second(server, client);

                server.tunnel.acceptCiphers(List.of("alt-gcm"));
                net.settle();
                net.second(server, client);
                assertBothOn("alt-gcm", server, client);
                assertEquals(2, server.counter("handshakes"), "one handshake more, well before the two-minute rekey");
                assertEquals(0, client.drops() + server.drops());
            });
        }
    }

    @Test
    void aClientThatIgnoresTheRequestWithinASecondOfItsHandshakeIsAskedAgain() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = connectedWithAnotherSuite(net, server);

                // the session is younger than a second: the client ignores this first request (PROTOCOL.md 7.1)
                server.tunnel.acceptCiphers(List.of("alt-gcm"));
                net.settle();
                assertEquals("aes-256-gcm", client.tunnel.status().peers().get(0).cipher());
                for (int second = 0; second < 3; second++) net.second(server, client);
                assertBothOn("alt-gcm", server, client);
            });
        }
    }

    @Test
    void aSwapRightAfterAnotherIsFollowedThoughTheOlderSessionIsStillKept() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = connectedWithAnotherSuite(net, server);
                net.second(server, client);
                server.tunnel.acceptCiphers(List.of("alt-gcm"));
                net.settle();
                assertEquals("alt-gcm", server.tunnel.status().peers().get(0).cipher());

                // the session on aes-256-gcm stays for late packets; the new one is younger than a second, so the
                // client ignores the first request and must be asked again
                server.tunnel.acceptCiphers(List.of("aes-256-gcm"));
                net.settle();
                for (int second = 0; second < 3; second++) net.second(server, client);
                assertBothOn("aes-256-gcm", server, client);
            });
        }
    }

    @Test
    void sessionsOnAnUninstalledSuiteMoveToAnotherAndLetGoOfItsObjects() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                server.suites.add(new TestAesGcm("alt-gcm", 200));
                TunnelHarness.Node<ClientTunnel> client = net.automaticNode("198.51.100.10", name -> true);
                client.suites.add(new TestAesGcm("alt-gcm", 200));
                client.tunnel = ClientTunnel.start(TunnelHarness.keyClient("alice", alice.privateKey(),
                        serverKey.publicKey()), client.plugins);
                net.second(server, client);
                TestAesGcm gone = client.suite;
                assertTrue(gone.openKeys.get() > 0);

                // the client's bundle of that suite stops: its sessions move, then hold none of its objects
                client.suites.remove(gone);
                client.tunnel.cipherGone(gone);
                net.settle();
                net.second(server, client);
                TunnelHarness.roundTrip(server, client, "after the suite went away");
                assertEquals("alt-gcm", client.tunnel.status().peers().get(0).cipher());
                assertEquals(0, gone.openKeys.get(), "no session keeps a sealer or opener of the uninstalled suite");

                // and on the server's side too
                TestAesGcm serverGone = server.suite;
                server.suites.remove(serverGone);
                server.tunnel.cipherGone(serverGone);
                net.second(server, client);
                TunnelHarness.roundTrip(server, client, "still");
                assertEquals(0, serverGone.openKeys.get(), "the server keeps nothing of it either");
            });
        }
    }

    @Test
    void theTunDeviceIsHandedOverToAnotherBackendAndTheHostPlanStays() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = client(net);
                FakeTun.Device before = client.tun();
                FakeTun other = new FakeTun();

                client.tunnel.swapTunBackend(other, null);
                FakeTun.Device after = other.device();
                assertEquals(before.name(), after.name(), "the same device, another queue");
                assertTrue(before.isClosed(), "the old backend's descriptor is closed");
                assertEquals(1, client.netconf.applied.size(), "routes were not touched");
                assertEquals(0, client.netconf.applied.get(0).closes.get());

                byte[] up = Packets.udp("10.67.0.2", "192.0.2.99", "through the new queue");
                after.inject(up);
                assertArrayEquals(up, server.tun().awaitDelivered(WAIT));
                byte[] down = Packets.udp("192.0.2.99", "10.67.0.2", "back through it");
                server.tun().inject(down);
                assertArrayEquals(down, after.awaitDelivered(WAIT));
                assertEquals(List.of("netproxy-alice-tun"), TunnelHarness.liveThreads("alice").stream()
                        .filter(thread -> thread.endsWith("-tun")).toList(), "one TUN reader, the new one");
            });
        }
    }

    @Test
    void theHostPlanMovesToAnotherConfiguratorBeforeTheOldOneIsReverted() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net);
                TunnelHarness.Node<ClientTunnel> client = client(net);
                RecordingNetconf.Applied old = server.netconf.applied.get(0);
                RecordingNetconf other = new RecordingNetconf();
                java.util.concurrent.atomic.AtomicInteger oldClosesAtApply = new java.util.concurrent.atomic.AtomicInteger(-1);
                io.netproxy.api.NetworkConfigurator watching = new io.netproxy.api.NetworkConfigurator() {
                    @Override public String name() { return "watching"; }
                    @Override public io.netproxy.api.AppliedNetworkPlan apply(io.netproxy.api.NetworkPlan plan)
                            throws java.io.IOException {
                        oldClosesAtApply.set(old.closes.get());
                        return other.apply(plan);
                    }
                    @Override public List<String> recover() { return List.of(); }
                };

                server.tunnel.swapNetconf(watching, "watching");
                assertEquals(0, oldClosesAtApply.get(), "the new plan was in force before the old one was reverted");
                assertEquals(1, old.closes.get());
                assertEquals(old.plan, other.applied.get(0).plan, "the same plan");
                assertEquals("watching", server.tunnel.status().netconf());
                TunnelHarness.roundTrip(server, client, "after the configurator moved");

                server.tunnel.stop();
                assertEquals(1, other.applied.get(0).closes.get(), "stop reverts the new plan");
                assertEquals(1, old.closes.get(), "and not the old one again");
            });
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private TunnelHarness.Node<ServerTunnel> server(TunnelHarness net) throws Exception {
        TunnelHarness.Node<ServerTunnel> node = net.automaticNode(TunnelHarness.SERVER_IP, name -> true);
        node.tunnel = ServerTunnel.start(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                List.of(alice.publicKey()), List.of()), node.plugins);
        return node;
    }

    private TunnelHarness.Node<ClientTunnel> client(TunnelHarness net) throws Exception {
        TunnelHarness.Node<ClientTunnel> node = net.automaticNode("198.51.100.10", name -> true);
        node.tunnel = ClientTunnel.start(TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()),
                node.plugins);
        return node;
    }

    private static Transport transport(TunnelHarness.Node<?> node, String name) {
        return node.plugins.transports().installed().apply(name).orElseThrow();
    }

    private static List<String> names(List<Transport> transports) {
        return transports.stream().map(Transport::name).toList();
    }


}
