package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The protocol's timers on a fake clock: the tests move time and run the tunnels' once-a-second tick on their timer
 * threads, so two minutes of rekeying take milliseconds and nothing depends on the machine's speed. Only the
 * in-memory network's delivery is awaited.
 */
class TimersTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();
    private final StaticIdentity carol = StaticIdentity.generate();
    private final FakeClock clock = new FakeClock();

    @Test
    void aRekeyEveryTwoMinutesLosesNoPacketAndTheOldKeyIsErasedAfterThree() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, TunnelHarness.POOL);
                TunnelHarness.Node<ClientTunnel> client = alice(net);
                long upBytes = 0;
                for (int second = 1; second <= 250; second++) {
                    step(net, SECOND, server, client);
                    byte[] up = Packets.udp("10.67.0.2", "192.0.2.99", "up " + second);
                    upBytes += up.length;
                    client.tun().inject(up);
                    assertArrayEquals(up, server.tun().awaitDelivered(WAIT), "client to server at " + second + " s");
                    byte[] down = Packets.udp("192.0.2.99", "10.67.0.2", "down " + second);
                    server.tun().inject(down);
                    assertArrayEquals(down, client.tun().awaitDelivered(WAIT), "server to client at " + second + " s");
                }
                assertEquals(3, server.counter("handshakes"), "the first handshake and one rekey per two minutes");
                assertEquals(0, client.drops() + server.drops(), "not one packet lost across the rekeys");
                // a peer's counts span its sessions: they grow across rekeys rather than start again (a sender counts
                // a packet once its send returned, which may be after the other side has it); each session's settings
                // request and answer are the protocol's, not counted
                PeerStatus alice = server.tunnel.status().peers().get(0);
                assertEquals(250, alice.rxPackets());
                assertEquals(upBytes, alice.rxBytes());
                TunnelHarness.await("the server counts its 250 packets", WAIT,
                        () -> server.tunnel.status().peers().get(0).txPackets() == 250);
                assertEquals(250, client.tunnel.status().peers().get(0).rxPackets());
                long sent = upBytes;
                TunnelHarness.await("the client counts its bytes sent", WAIT,
                        () -> client.tunnel.status().peers().get(0).txBytes() == sent);
            });
        }
    }

    @Test
    void anExpiredKeyIsNeverUsedToSendOrToReceive() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, TunnelHarness.POOL);
                TunnelHarness.Node<ClientTunnel> client = alice(net);
                // The rekey at 120 s never completes: every handshake message is lost from now on.
                net.network.lose(d -> Messages.type(d.data(), 0, d.data().length) != Messages.TYPE_DATA);
                AtomicInteger dataAfterExpiry = new AtomicInteger();
                step(net, Duration.ofSeconds(179), server, client);
                java.util.concurrent.atomic.AtomicReference<InMemoryNetwork.Datagram> sealedAt179 =
                        new java.util.concurrent.atomic.AtomicReference<>();
                net.network.tap(d -> {
                    if (d.data().length > 32 && Messages.type(d.data(), 0, d.data().length) == Messages.TYPE_DATA
                            && d.to().equals(TunnelHarness.SERVER)) sealedAt179.compareAndSet(null, d);
                });
                byte[] stillValid = Packets.udp("10.67.0.2", "192.0.2.99", "at 179 s");
                client.tun().inject(stillValid);
                assertArrayEquals(stillValid, server.tun().awaitDelivered(WAIT), "the key is good until 180 s");

                net.network.tap(d -> {
                    if (Messages.type(d.data(), 0, d.data().length) == Messages.TYPE_DATA) dataAfterExpiry.incrementAndGet();
                });
                for (int second = 180; second <= 200; second++) {
                    step(net, SECOND, server, client);
                    client.tun().inject(Packets.udp("10.67.0.2", "192.0.2.99", "at " + second + " s"));
                    server.tun().inject(Packets.udp("192.0.2.99", "10.67.0.2", "at " + second + " s"));
                }
                assertNull(server.tun().awaitDelivered(SHORT));
                assertNull(client.tun().awaitDelivered(SHORT));
                assertEquals(0, dataAfterExpiry.get(), "no data message and no keepalive under the expired key");
                assertTrue(client.counter("drop.no-route") >= 20 && server.counter("drop.no-route") >= 20,
                        "the packets were dropped: " + client.counters() + " " + server.counters());
                assertEquals(1, client.counter("handshakes"), "still no new session");

                // The same message again, after the expiry: refused for its key's age before anything else looks at it.
                InMemoryNetwork.Datagram late = sealedAt179.get();
                long expiredBefore = server.counter("drop.key-expired");
                net.network.inject(late.from(), late.to(), late.data());
                TunnelHarness.await("the late message dropped", WAIT, () -> server.counter("drop.key-expired") > expiredBefore);
                assertNull(server.tun().awaitDelivered(SHORT));
            });
        }
    }

    @Test
    void aRestartedServerIsFoundWithinTenSecondsOfTraffic() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> first = server(net, TunnelHarness.POOL);
                TunnelHarness.Node<ClientTunnel> client = alice(net);
                step(net, Duration.ofSeconds(30), first, client);
                first.tunnel.stop();
                TunnelHarness.Node<ServerTunnel> second = server(net, TunnelHarness.POOL);

                int seconds = 0;
                byte[] arrived = null;
                while (arrived == null && seconds < 15) {
                    seconds++;
                    step(net, SECOND, second, client);
                    client.tun().inject(Packets.udp("10.67.0.2", "192.0.2.99", "after " + seconds + " s"));
                    arrived = second.tun().awaitDelivered(SHORT);
                }
                assertTrue(seconds <= 10, "traffic flows through the new server after " + seconds + " s");
                step(net, SECOND, second, client);
                assertEquals("connected", client.tunnel.status().state(), "and the client says so at its next tick");
            });
        }
    }

    @Test
    void aHealthyTunnelSendsNoExtraHandshakes() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = server(net, TunnelHarness.POOL);
                TunnelHarness.Node<ClientTunnel> client = alice(net);
                AtomicInteger handshakes = new AtomicInteger();
                net.network.tap(d -> {
                    if (Messages.type(d.data(), 0, d.data().length) != Messages.TYPE_DATA) handshakes.incrementAndGet();
                });
                // Idle for a minute, then a minute of data one way only (the server has nothing to say back).
                for (int second = 1; second <= 60; second++) step(net, SECOND, server, client);
                for (int second = 61; second <= 110; second++) {
                    step(net, SECOND, server, client);
                    client.tun().inject(Packets.udp("10.67.0.2", "192.0.2.99", "one way " + second));
                    assertTrue(server.tun().awaitDelivered(WAIT) != null);
                }
                assertEquals(0, handshakes.get(), "no handshake before the rekey is due");
                assertEquals("connected", client.tunnel.status().state());
            });
        }
    }

    @Test
    void aSilentClientsAddressIsReleasedAndGivenToTheNext() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                // A pool with room for one client: the server's .1 and alice's .2.
                TunnelHarness.Node<ServerTunnel> server = server(net, "10.67.0.0/30");
                TunnelHarness.Node<ClientTunnel> gone = alice(net);
                assertEquals("10.67.0.2/30", gone.tunnel.status().tunAddress());
                // The keepalive that confirms the session was queued on the client's timer at connect: once a tick
                // has run there it is on the wire, and once the network settles the server has it.
                gone.tunnel.tickNow();
                net.settle();
                net.network.lose(d -> d.from().getAddress().getHostAddress().equals("198.51.100.10")
                        || d.to().getAddress().getHostAddress().equals("198.51.100.10"));

                step(net, Duration.ofSeconds(170), server);
                assertEquals(1, server.tunnel.status().peers().size(), "kept while the key could still be in use");
                step(net, Duration.ofSeconds(11), server);
                assertEquals(0, server.tunnel.status().peers().size(), "released after 180 s of silence");

                TunnelHarness.Node<ClientTunnel> next = net.client(
                        TunnelHarness.keyClient("carol", carol.privateKey(), serverKey.publicKey()), "198.51.100.11");
                assertEquals("10.67.0.2/30", next.tunnel.status().tunAddress(), "the freed address is reused");
            });
        }
    }

    private TunnelHarness.Node<ServerTunnel> server(TunnelHarness net, String pool) throws Exception {
        return net.server(TunnelSpec.builder("srv", TunnelSpec.Role.SERVER).host(TunnelHarness.SERVER_IP)
                .port(TunnelHarness.PORT).privateKey(serverKey.privateKey())
                .peerPublicKeys(List.of(alice.publicKey(), carol.publicKey())).pool(pool).build());
    }

    private TunnelHarness.Node<ClientTunnel> alice(TunnelHarness net) throws Exception {
        return net.client(TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()), "198.51.100.10");
    }

    /**
     * Moves time on by {@code by} in one-second ticks of every tunnel given, as their timers would, letting what
     * each tick sent (keepalives, handshakes and their answers) land before the next second.
     */
    private void step(TunnelHarness net, Duration by, TunnelHarness.Node<?>... nodes) throws Exception {
        for (long s = 0; s < by.toSeconds(); s++) {
            clock.advance(SECOND);
            for (TunnelHarness.Node<?> node : nodes) {
                if (node.tunnel.isRunning()) node.tunnel.tickNow();
            }
            net.settle();
        }
    }
}
