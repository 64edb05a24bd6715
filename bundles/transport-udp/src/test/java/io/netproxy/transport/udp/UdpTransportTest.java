package io.netproxy.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Loopback only: every socket binds or connects to 127.0.0.1. */
@Timeout(10)
class UdpTransportTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int HEADROOM = 32;

    private final UdpTransport transport = new UdpTransport();
    private TransportEndpoint server;
    private TransportEndpoint client;

    @BeforeEach
    void open() throws IOException {
        server = transport.listen(new InetSocketAddress(LOOPBACK, 0));
        client = transport.connect(server.localAddress());
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
    }

    @Test
    void isNamedUdp() {
        assertEquals("udp", transport.name());
        assertEquals(0, server.overhead());
    }

    @Test
    void bindsWhereAsked() {
        assertEquals(LOOPBACK, server.localAddress().getAddress());
        assertNotEquals(0, server.localAddress().getPort());
        assertEquals(LOOPBACK, client.localAddress().getAddress());
    }

    @Test
    void aServerThatNamesNoAddressTakesIpv4AndIpv6Peers() throws IOException {
        TransportEndpoint everywhere = transport.listen(new InetSocketAddress(0));
        InetSocketAddress listening = everywhere.localAddress();
        assertInstanceOf(java.net.Inet6Address.class, listening.getAddress(), "the dual-stack wildcard: " + listening);
        assertTrue(listening.getAddress().isAnyLocalAddress(), listening.toString());
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        try (TransportEndpoint overIpv4 = transport.connect(new InetSocketAddress(LOOPBACK, listening.getPort()));
             TransportEndpoint overIpv6 = transport.connect(new InetSocketAddress(ipv6Loopback, listening.getPort()))) {
            for (TransportEndpoint peer : new TransportEndpoint[] {overIpv4, overIpv6}) {
                byte[] hello = ("hello from " + peer.localAddress()).getBytes(StandardCharsets.US_ASCII);
                peer.send(hello, 0, hello.length, null);
                PacketBatch received = new PacketBatch(1, 2048, HEADROOM);
                assertEquals(1, everywhere.receive(received));
                assertArrayEquals(hello, payload(received, 0));
                // an IPv4 peer shows as IPv4 (not ::ffff:127.0.0.1), and the answer reaches it
                assertEquals(peer.localAddress(), received.address(0));
                everywhere.send(hello, 0, hello.length, received.address(0));
                PacketBatch answer = new PacketBatch(1, 2048, HEADROOM);
                assertEquals(1, peer.receive(answer));
                assertArrayEquals(hello, payload(answer, 0));
            }
        } finally {
            everywhere.close();
        }
    }

    @Test
    void aSecondServerOnABusyPortIsRefused() {
        assertThrows(java.net.BindException.class, () -> transport.listen(server.localAddress()));
    }

    @Test
    void aReplacementListensBesideAndTakesOverWhenTheOldEndpointCloses() throws IOException {
        TransportEndpoint replacement = transport.listenBeside(server);
        try {
            assertEquals(server.localAddress(), replacement.localAddress());
            server.close();
            byte[] hello = "to the new socket".getBytes(StandardCharsets.US_ASCII);
            client.send(hello, 0, hello.length, null);
            PacketBatch received = new PacketBatch(1, 2048, HEADROOM);
            assertEquals(1, replacement.receive(received));
            assertArrayEquals(hello, payload(received, 0));
        } finally {
            replacement.close();
        }
    }

    @Test
    void carriesDatagramsBothWays() throws IOException {
        byte[] hello = "hello server".getBytes(StandardCharsets.US_ASCII);
        client.send(hello, 0, hello.length, null);

        PacketBatch atServer = new PacketBatch(4, 2048, HEADROOM);
        assertEquals(1, server.receive(atServer));
        assertEquals(1, atServer.size());
        assertEquals(HEADROOM, atServer.offset(0));
        assertArrayEquals(hello, payload(atServer, 0));
        InetSocketAddress clientAddress = atServer.address(0);
        assertEquals(client.localAddress(), clientAddress);

        byte[] framed = "..hello client..".getBytes(StandardCharsets.US_ASCII);
        server.send(framed, 2, framed.length - 4, clientAddress);

        PacketBatch atClient = new PacketBatch(1, 2048, HEADROOM);
        assertEquals(1, client.receive(atClient));
        assertEquals("hello client", new String(payload(atClient, 0), StandardCharsets.US_ASCII));
        assertEquals(server.localAddress(), atClient.address(0));
    }

    @Test
    void sendsEverySlotOfABatchToItsAddress() throws IOException {
        client.send(new byte[1], 0, 1, null);
        PacketBatch received = new PacketBatch(1, 2048, HEADROOM);
        server.receive(received);
        InetSocketAddress clientAddress = received.address(0);

        PacketBatch outgoing = new PacketBatch(3, 2048, HEADROOM);
        for (int slot = 0; slot < 3; slot++) {
            int length = 100 * (slot + 1);
            Arrays.fill(outgoing.buffer(slot), HEADROOM, HEADROOM + length, (byte) slot);
            outgoing.set(slot, HEADROOM, length, clientAddress);
        }
        outgoing.setSize(3);
        server.send(outgoing);

        for (int slot = 0; slot < 3; slot++) {
            assertEquals(1, client.receive(received));
            byte[] expected = new byte[100 * (slot + 1)];
            Arrays.fill(expected, (byte) slot);
            assertArrayEquals(expected, payload(received, 0));
        }
    }

    @Test
    void carriesDatagramsUpToTheLoopbackLimit() throws IOException {
        byte[] big = new byte[65_000];
        Arrays.fill(big, (byte) 0x5a);
        client.send(big, 0, big.length, null);

        PacketBatch batch = new PacketBatch(1, HEADROOM + 65_535, HEADROOM);
        server.receive(batch);
        assertArrayEquals(big, payload(batch, 0));
    }

    @Test
    void reusesOneBatchForManyDatagrams() throws IOException {
        PacketBatch batch = new PacketBatch(1, 2048, HEADROOM);
        for (int i = 0; i < 50; i++) {
            byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
            client.send(message, 0, message.length, null);
            server.receive(batch);
            assertArrayEquals(message, payload(batch, 0));
        }
    }

    @Test
    void closeUnblocksAReceiverWithinASecond() throws Exception {
        CompletableFuture<Void> receiving = CompletableFuture.runAsync(() -> {
            try {
                server.receive(new PacketBatch(1, 2048, HEADROOM));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(receiving.isDone(), "receive returned with nothing sent");

        server.close();

        ExecutionException failure = assertThrowsWithin(receiving, 1000);
        assertInstanceOf(IOException.class, failure.getCause().getCause());
    }

    /** Before the server is up, ICMP port-unreachable must not end the client's receive loop. */
    @Test
    void clientKeepsWaitingWhenTheServerIsNotUpYet() throws Exception {
        InetSocketAddress deadPort;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            deadPort = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        try (TransportEndpoint lonely = transport.connect(deadPort)) {
            byte[] ping = {1};
            lonely.send(ping, 0, 1, null);
            CompletableFuture<Void> receiving = CompletableFuture.runAsync(() -> {
                try {
                    lonely.receive(new PacketBatch(1, 2048, HEADROOM));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            lonely.send(ping, 0, 1, null);
            Thread.sleep(300);
            assertFalse(receiving.isDone(), "receive gave up on an ICMP error");
            lonely.close();
            assertThrowsWithin(receiving, 1000);
        }
    }

    private static ExecutionException assertThrowsWithin(CompletableFuture<Void> future, long millis) throws Exception {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("completed without an exception");
    }

    private static byte[] payload(PacketBatch batch, int slot) {
        assertTrue(batch.offset(slot) >= batch.headroom());
        return Arrays.copyOfRange(batch.buffer(slot), batch.offset(slot), batch.offset(slot) + batch.length(slot));
    }
}
