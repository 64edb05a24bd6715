package io.netproxy.engine.tunnel;

import static io.netproxy.engine.tunnel.TunnelHarness.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.StaticIdentity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated datagrams at a running server's socket, from a fixed seed. Every one must
 * be dropped and counted exactly once, none may reach the TUN device or move a session's state (replay
 * window, endpoint), and no thread may die: the tunnel forwards genuine packets afterwards.
 */
class TunnelFuzzTest {
    private static final long SEED = 0x6E65_7470_726F_7879L;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetSocketAddress ATTACKER = InMemoryNetwork.address("203.0.113.66", 4444);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();
    private final StaticIdentity bob = StaticIdentity.generate();
    private final Random random = new Random(SEED);

    @Test
    void garbageIsDroppedCountedAndHarmless() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("fuzz-srv",
                        serverKey.privateKey(), List.of(alice.publicKey(), bob.publicKey()), List.of()));
                List<InMemoryNetwork.Datagram> wire = new CopyOnWriteArrayList<>();
                net.network.tap(d -> {
                    if (d.to().equals(TunnelHarness.SERVER)) wire.add(d);
                });
                TunnelHarness.Node<ClientTunnel> client = net.client(TunnelHarness.keyClient("fuzz-cli",
                        alice.privateKey(), serverKey.publicKey()), "198.51.100.10");
                InetSocketAddress clientAddress = client.endpoint().localAddress();

                // Capture real traffic: the initiation and data packets of several sizes.
                for (int i = 0; i < 20; i++) {
                    byte[] packet = Packets.udp("10.67.0.2", "10.1.2.3", Packets.randomPayload(random, 1 + random.nextInt(300)));
                    client.tun().inject(packet);
                    assertArrayEquals(packet, server.tun().awaitDelivered(WAIT));
                }
                byte[] initiation = wire.stream().map(InMemoryNetwork.Datagram::data)
                        .filter(d -> d[0] == Messages.TYPE_INITIATION).findFirst().orElseThrow();
                List<byte[]> data = wire.stream().map(InMemoryNetwork.Datagram::data)
                        // neither keepalives nor the client's 3-byte settings request
                        .filter(d -> d[0] == Messages.TYPE_DATA && d.length > Messages.DATA_HEADER_LENGTH + 3 + TestAesGcm.TAG)
                        .toList();
                assertEquals(20, data.size());
                byte[] liveIndex = Arrays.copyOfRange(data.get(0), 4, 8);
                // The engine counts a packet right after writing it to the TUN device.
                await("20 packets are counted", WAIT, () -> server.counter("rx.packets") == 20);
                long rxBefore = server.counter("rx.packets");
                long handshakesBefore = server.counter("handshakes");

                // 1. Random bytes of random lengths, and random bodies behind each message type's header.
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < 1500; i++) batch.add(Packets.randomPayload(random, random.nextInt(1600)));
                for (int type = 0; type <= 5; type++) {
                    for (int i = 0; i < 60; i++) {
                        int length = switch (type) {
                            case Messages.TYPE_INITIATION -> Messages.INITIATION_LENGTH;
                            case Messages.TYPE_RESPONSE -> Messages.RESPONSE_LENGTH;
                            default -> random.nextInt(200);
                        };
                        byte[] message = Packets.randomPayload(random, length);
                        if (length > 0) message[0] = (byte) type;
                        if (length > 3) message[1] = message[2] = message[3] = 0;
                        batch.add(message);
                    }
                }
                inject(net, server, batch, ATTACKER);

                // 2. Well-formed data headers with random indices (some the live one) and counters.
                batch.clear();
                for (int i = 0; i < 1000; i++) {
                    byte[] message = Packets.randomPayload(random, 32 + random.nextInt(1500));
                    Messages.writeDataHeader(message, 0, random.nextInt(), random.nextLong());
                    if (i % 2 == 0) System.arraycopy(liveIndex, 0, message, 4, 4);
                    if (i % 10 == 0) Messages.writeDataHeader(message, 0, Messages.receiverIndex(message, 0), random.nextInt(64));
                    batch.add(message);
                }
                inject(net, server, batch, ATTACKER);

                // 3. Truncated copies of real data packets, every length.
                batch.clear();
                for (byte[] real : data.subList(0, 5)) {
                    for (int length = 0; length < real.length; length++) batch.add(Arrays.copyOf(real, length));
                }
                inject(net, server, batch, ATTACKER);

                // 4. Oversized copies: real packets with bytes appended, up to the largest datagram.
                batch.clear();
                for (int i = 0; i < 500; i++) {
                    byte[] real = data.get(random.nextInt(data.size()));
                    byte[] longer = Arrays.copyOf(real, real.length + 1 + random.nextInt(1500));
                    for (int j = real.length; j < longer.length; j++) longer[j] = (byte) random.nextInt();
                    batch.add(longer);
                }
                byte[] huge = Arrays.copyOf(data.get(0), 65_535);
                batch.add(huge);
                inject(net, server, batch, ATTACKER);

                // 5. Single bit flips anywhere in real data packets, from the attacker and from the client's address.
                batch.clear();
                for (int i = 0; i < 2000; i++) {
                    byte[] flipped = data.get(random.nextInt(data.size())).clone();
                    int bit = random.nextInt(flipped.length * 8);
                    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                    batch.add(flipped);
                }
                inject(net, server, batch.subList(0, 1000), ATTACKER);
                inject(net, server, batch.subList(1000, 2000), clientAddress);

                // 6. Replays of real data packets: every one is counted as a replay.
                batch.clear();
                for (int i = 0; i < 10; i++) batch.addAll(data);
                long replaysBefore = server.counter("drop.replay");
                inject(net, server, batch.subList(0, 100), ATTACKER);
                inject(net, server, batch.subList(100, 200), clientAddress);
                assertEquals(200, server.counter("drop.replay") - replaysBefore, () -> "replays: " + server.counters());

                // 7. The captured initiation: replayed as is (the timestamp gives it away) and with bits flipped.
                batch.clear();
                for (int i = 0; i < 5; i++) batch.add(initiation);
                for (int i = 0; i < 300; i++) {
                    byte[] flipped = initiation.clone();
                    int bit = random.nextInt(flipped.length * 8);
                    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                    batch.add(flipped);
                }
                inject(net, server, batch, InMemoryNetwork.address("203.0.113.67", 4444));

                // Nothing reached the TUN, nothing authenticated, no handshake completed.
                assertNull(server.tun().awaitDelivered(Duration.ofMillis(200)), "no bogus packet reached the server's TUN");
                assertEquals(rxBefore, server.counter("rx.packets"));
                assertEquals(handshakesBefore, server.counter("handshakes"));
                assertTrue(server.counter("drop.malformed") > 0);
                assertTrue(server.counter("drop.unknown-index") > 0);
                assertTrue(server.counter("drop.decrypt-failed") > 0);
                assertTrue(server.counter("drop.handshake") > 0);
                assertTrue(server.counter("drop.unexpected-type") > 0);

                // Every thread is alive and the session is untouched: genuine traffic flows both ways, to the
                // client's real address, with the next counters (the replay window did not move).
                for (String thread : List.of("socket-memory", "tun", "timer", "handshake")) {
                    assertTrue(TunnelHarness.liveThreads("fuzz-srv").contains("netproxy-fuzz-srv-" + thread),
                            () -> thread + " thread alive: " + TunnelHarness.liveThreads("fuzz-srv"));
                }
                byte[] up = Packets.udp("10.67.0.2", "10.1.2.3", "still here");
                client.tun().inject(up);
                assertArrayEquals(up, server.tun().awaitDelivered(WAIT));
                byte[] down = Packets.udp("10.1.2.3", "10.67.0.2", "so am I");
                server.tun().inject(down);
                assertArrayEquals(down, client.tun().awaitDelivered(WAIT));
                assertEquals("198.51.100.10:" + clientAddress.getPort() + " (memory)", server.tunnel.status().peers().get(0).endpoint());

                // And the handshake thread still answers a new client.
                TunnelHarness.Node<ClientTunnel> second = net.client(TunnelHarness.keyClient("fuzz-cli2",
                        bob.privateKey(), serverKey.publicKey()), "198.51.100.11");
                assertEquals("10.67.0.3/24", second.tunnel.status().tunAddress());
            });
        }
    }

    /**
     * Puts the datagrams on the wire and waits until the server has dropped every one of them: the sum of
     * its drop counters must grow by exactly their number (each counted once, none accepted).
     */
    private static void inject(TunnelHarness net, TunnelHarness.Node<ServerTunnel> server, List<byte[]> datagrams,
                               InetSocketAddress from) throws InterruptedException {
        long before = server.drops();
        for (byte[] datagram : datagrams) net.network.inject(from, TunnelHarness.SERVER, datagram);
        await(datagrams.size() + " datagrams are dropped and counted", WAIT,
                () -> server.drops() - before >= datagrams.size());
        Thread.sleep(20);
        assertEquals(datagrams.size(), server.drops() - before, () -> "each counted once: " + server.counters());
    }
}
