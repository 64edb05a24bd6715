package io.netproxy.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** recvmmsg and sendmmsg batches, checked against plain JDK sockets on loopback (IPv4 and IPv6) only. */
@Timeout(10)
class UdpBatchTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int HEADROOM = 32;
    /** Loopback delivers within the sending call; this only leaves room for a busy machine. */
    private static final long QUEUEING_MILLIS = 200;

    private final UdpTransport transport = new UdpTransport();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) closeable.close();
    }

    @Test
    void aReceiveTakesManyQueuedDatagramsOfSeveralSendersEachWithItsSender() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        List<DatagramSocket> senders = List.of(jdkSocket(LOOPBACK), jdkSocket(LOOPBACK), jdkSocket(LOOPBACK));
        for (int round = 0; round < 10; round++) {
            for (int sender = 0; sender < senders.size(); sender++) {
                byte[] datagram = datagram(sender, round);
                senders.get(sender).send(new DatagramPacket(datagram, datagram.length, server.localAddress()));
            }
        }
        Thread.sleep(QUEUEING_MILLIS);

        // datagrams of several senders take a message each: a call holds as many as it has messages (all 30 without
        // UDP GRO, 16 with it)
        PacketBatch batch = new PacketBatch(64, HEADROOM + 2048, HEADROOM);
        int[] nextRound = new int[senders.size()];
        for (int received = 0, call = 0; received < 30; call++) {
            int count = server.receive(batch);
            assertTrue(count >= Math.min(30 - received, ReceiveBuffers.COALESCED_MESSAGES), count + " in call " + call);
            assertEquals(count, batch.size());
            for (int slot = 0; slot < batch.size(); slot++) {
                assertEquals(HEADROOM, batch.offset(slot));
                int sender = batch.buffer(slot)[HEADROOM];
                assertEquals(senders.get(sender).getLocalSocketAddress(), batch.address(slot), "slot " + slot);
                assertArrayEquals(datagram(sender, nextRound[sender]++), payload(batch, slot), "slot " + slot);
            }
            received += count;
        }
        assertArrayEquals(new int[] {10, 10, 10}, nextRound);
    }

    @Test
    void aSteadySenderIsHandedTheSameAddressObject() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket sender = jdkSocket(LOOPBACK);
        PacketBatch batch = new PacketBatch(4, HEADROOM + 100, HEADROOM);
        InetSocketAddress first = null;
        for (int i = 0; i < 3; i++) {
            sender.send(new DatagramPacket(new byte[] {(byte) i}, 1, server.localAddress()));
            server.receive(batch);
            if (first == null) first = batch.address(0);
            assertSame(first, batch.address(0));
        }
    }

    /** Measured on this thread, which sends and receives both ways, after a first round has made every buffer. */
    @Test
    void aSteadyExchangeAllocatesNothingPerDatagram() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        TransportEndpoint client = transport.connect(server.localAddress());
        opened.add(client);
        PacketBatch batch = new PacketBatch(8, HEADROOM + 2048, HEADROOM);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        exchange(client, server, batch, 20);
        long before = threads.getCurrentThreadAllocatedBytes();
        exchange(client, server, batch, 500);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1_000, allocated + " bytes allocated for 8,000 datagrams");
    }

    /** Rounds of a batch of 8 from the client to the server and back again. */
    private static void exchange(TransportEndpoint client, TransportEndpoint server, PacketBatch batch, int rounds)
            throws IOException {
        for (int round = 0; round < rounds; round++) {
            for (int slot = 0; slot < batch.capacity(); slot++) {
                batch.set(slot, HEADROOM, 1000, null);
            }
            batch.setSize(batch.capacity());
            client.send(batch);
            int received = 0;
            while (received < batch.capacity()) {
                int count = server.receive(batch);
                received += count;
                server.send(batch);
            }
            received = 0;
            while (received < batch.capacity()) {
                received += client.receive(batch);
            }
        }
    }

    @Test
    void oneSendReachesEveryAddressOfABatch() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        List<DatagramSocket> receivers = List.of(jdkSocket(LOOPBACK), jdkSocket(LOOPBACK), jdkSocket(LOOPBACK));
        PacketBatch outgoing = new PacketBatch(12, HEADROOM + 2048, HEADROOM);
        for (int slot = 0; slot < outgoing.capacity(); slot++) {
            int receiver = slot % receivers.size();
            byte[] datagram = datagram(receiver, slot / receivers.size());
            System.arraycopy(datagram, 0, outgoing.buffer(slot), HEADROOM, datagram.length);
            outgoing.set(slot, HEADROOM, datagram.length, (InetSocketAddress) receivers.get(receiver).getLocalSocketAddress());
        }
        outgoing.setSize(outgoing.capacity());

        server.send(outgoing);

        for (int receiver = 0; receiver < receivers.size(); receiver++) {
            for (int round = 0; round < 4; round++) {
                DatagramPacket packet = receiveFrom(receivers.get(receiver));
                assertArrayEquals(datagram(receiver, round), Arrays.copyOf(packet.getData(), packet.getLength()));
                assertEquals(server.localAddress(), packet.getSocketAddress());
            }
        }
    }

    @Test
    void aRefusedDatagramIsLostAloneAndReported() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket receiver = jdkSocket(LOOPBACK);
        InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
        // an IPv4 socket cannot send to an IPv6 address
        InetSocketAddress unreachable = new InetSocketAddress(InetAddress.getByName("::1"), to.getPort());
        PacketBatch outgoing = new PacketBatch(3, HEADROOM + 100, HEADROOM);
        for (int slot = 0; slot < 3; slot++) {
            outgoing.buffer(slot)[HEADROOM] = (byte) slot;
            outgoing.set(slot, HEADROOM, 1, slot == 1 ? unreachable : to);
        }
        outgoing.setSize(3);

        SocketException refused = assertThrows(SocketException.class, () -> server.send(outgoing));
        assertTrue(refused.getMessage().startsWith("1 of 3 datagrams not sent"), refused.getMessage());
        assertEquals(0, receiveFrom(receiver).getData()[0]);
        assertEquals(2, receiveFrom(receiver).getData()[0]);
    }

    /** Sent as segmented messages (UDP GSO) where the kernel can; the receiver cannot tell. */
    @Test
    void runsOfEqualDatagramsArriveOneByOneAsSent() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        List<DatagramSocket> receivers = List.of(jdkSocket(LOOPBACK), jdkSocket(LOOPBACK));
        PacketBatch outgoing = new PacketBatch(64, HEADROOM + 2048, HEADROOM);
        int[] sent = new int[receivers.size()];
        for (int slot = 0; slot < outgoing.capacity(); slot++) {
            int receiver = slot < 40 ? 0 : 1;
            int length = slot == 39 || slot == 63 ? 300 : 1400;
            Arrays.fill(outgoing.buffer(slot), HEADROOM, HEADROOM + length, (byte) slot);
            outgoing.set(slot, HEADROOM, length, (InetSocketAddress) receivers.get(receiver).getLocalSocketAddress());
            sent[receiver]++;
        }
        outgoing.setSize(outgoing.capacity());

        server.send(outgoing);

        int slot = 0;
        for (int receiver = 0; receiver < receivers.size(); receiver++) {
            for (int i = 0; i < sent[receiver]; i++, slot++) {
                DatagramPacket packet = receiveFrom(receivers.get(receiver));
                byte[] expected = new byte[outgoing.length(slot)];
                Arrays.fill(expected, (byte) slot);
                assertArrayEquals(expected, Arrays.copyOf(packet.getData(), packet.getLength()), "slot " + slot);
            }
        }
    }

    /** On loopback a run sent segmented reaches a socket with UDP GRO as one: split, it spans several batches. */
    @Test
    void aRunLongerThanTheBatchIsHandedOverAcrossReceives() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        TransportEndpoint client = transport.connect(server.localAddress());
        opened.add(client);
        PacketBatch outgoing = new PacketBatch(40, HEADROOM + 2048, HEADROOM);
        for (int slot = 0; slot < 40; slot++) {
            int length = slot == 39 ? 99 : 1200;
            Arrays.fill(outgoing.buffer(slot), HEADROOM, HEADROOM + length, (byte) slot);
            outgoing.set(slot, HEADROOM, length, null);
        }
        outgoing.setSize(40);
        client.send(outgoing);
        Thread.sleep(QUEUEING_MILLIS);

        PacketBatch batch = new PacketBatch(16, HEADROOM + 2048, HEADROOM);
        int slot = 0;
        for (int expected : new int[] {16, 16, 8}) {
            assertEquals(expected, server.receive(batch));
            for (int i = 0; i < expected; i++, slot++) {
                byte[] bytes = new byte[outgoing.length(slot)];
                Arrays.fill(bytes, (byte) slot);
                assertArrayEquals(bytes, payload(batch, i), "datagram " + slot);
                assertEquals(client.localAddress(), batch.address(i));
            }
        }
    }

    @Test
    void aRunOfDatagramsTooLongForTheBatchIsDropped() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        TransportEndpoint client = transport.connect(server.localAddress());
        opened.add(client);
        PacketBatch outgoing = new PacketBatch(6, HEADROOM + 2048, HEADROOM);
        for (int slot = 0; slot < 6; slot++) {
            outgoing.set(slot, HEADROOM, 1400, null);
        }
        outgoing.setSize(6);
        client.send(outgoing);
        client.send(new byte[10], 0, 10, null);
        Thread.sleep(QUEUEING_MILLIS);

        PacketBatch batch = new PacketBatch(8, HEADROOM + 1000, HEADROOM);
        assertEquals(1, server.receive(batch));
        assertEquals(10, batch.length(0));
    }

    @Test
    void aRefusedRunIsSentAgainDatagramByDatagram() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket receiver = jdkSocket(LOOPBACK);
        InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
        InetSocketAddress unreachable = new InetSocketAddress(InetAddress.getByName("::1"), to.getPort());
        PacketBatch outgoing = new PacketBatch(9, HEADROOM + 100, HEADROOM);
        for (int slot = 0; slot < 9; slot++) {
            outgoing.buffer(slot)[HEADROOM] = (byte) slot;
            outgoing.set(slot, HEADROOM, 1, slot / 3 == 1 ? unreachable : to);
        }
        outgoing.setSize(9);

        SocketException refused = assertThrows(SocketException.class, () -> server.send(outgoing));
        assertTrue(refused.getMessage().startsWith("3 of 9 datagrams not sent"), refused.getMessage());
        for (int expected : new int[] {0, 1, 2, 6, 7, 8}) {
            assertEquals(expected, receiveFrom(receiver).getData()[0]);
        }
    }

    @Test
    void aDatagramTooLongForTheBatchIsDroppedNotCutShort() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket sender = jdkSocket(LOOPBACK);
        for (int length : new int[] {100, 101, 50}) {
            sender.send(new DatagramPacket(new byte[length], length, server.localAddress()));
        }
        Thread.sleep(QUEUEING_MILLIS);

        PacketBatch batch = new PacketBatch(8, HEADROOM + 100, HEADROOM);
        assertEquals(2, server.receive(batch));
        assertEquals(100, batch.length(0));
        assertEquals(50, batch.length(1));
    }

    @Test
    void aReceiveOfOnlyTooLongDatagramsWaitsForTheNext() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket sender = jdkSocket(LOOPBACK);
        sender.send(new DatagramPacket(new byte[200], 200, server.localAddress()));
        PacketBatch batch = new PacketBatch(1, HEADROOM + 100, HEADROOM);
        CompletableFuture<Integer> receiving = CompletableFuture.supplyAsync(() -> {
            try {
                return server.receive(batch);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(QUEUEING_MILLIS);
        assertFalse(receiving.isDone(), "returned with only a too long datagram sent");
        sender.send(new DatagramPacket(new byte[7], 7, server.localAddress()));
        assertEquals(1, receiving.get(5, TimeUnit.SECONDS));
        assertEquals(7, batch.length(0));
    }

    @Test
    void closeWakesABlockedReceiverWithAnAsynchronousCloseException() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        CompletableFuture<Integer> receiving = CompletableFuture.supplyAsync(() -> {
            try {
                return server.receive(new PacketBatch(16, HEADROOM + 2048, HEADROOM));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(QUEUEING_MILLIS);
        assertFalse(receiving.isDone(), "receive returned with nothing sent");

        server.close();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> receiving.get(1, TimeUnit.SECONDS));
        assertInstanceOf(AsynchronousCloseException.class, failure.getCause().getCause());
    }

    @Test
    void datagramsLeftFromAnEarlierCallAreNotHandedOverAfterClose() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket sender = jdkSocket(LOOPBACK);
        for (int i = 0; i < 3; i++) {
            sender.send(new DatagramPacket(new byte[] {(byte) i}, 1, server.localAddress()));
        }
        Thread.sleep(QUEUEING_MILLIS);
        PacketBatch batch = new PacketBatch(3, HEADROOM + 100, HEADROOM);
        assertEquals(3, server.receive(batch));
        server.close();
        assertThrows(ClosedChannelException.class, () -> server.receive(batch));
    }

    @Test
    void aClosedEndpointRefusesEveryCall() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(LOOPBACK, 0));
        InetSocketAddress somewhere = new InetSocketAddress(LOOPBACK, 9);
        server.close();
        server.close();
        assertThrows(ClosedChannelException.class, () -> server.receive(new PacketBatch(1, 100, 0)));
        assertThrows(ClosedChannelException.class, () -> server.send(new byte[1], 0, 1, somewhere));
    }

    @Test
    void carriesBatchesOverIpv6Loopback() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        TransportEndpoint server = listen(new InetSocketAddress(ipv6Loopback, 0));
        TransportEndpoint client = transport.connect(server.localAddress());
        opened.add(client);
        assertEquals(ipv6Loopback, server.localAddress().getAddress());
        assertEquals(ipv6Loopback, client.localAddress().getAddress());

        PacketBatch outgoing = new PacketBatch(5, HEADROOM + 2048, HEADROOM);
        for (int slot = 0; slot < 5; slot++) {
            byte[] datagram = datagram(slot, slot);
            System.arraycopy(datagram, 0, outgoing.buffer(slot), HEADROOM, datagram.length);
            outgoing.set(slot, HEADROOM, datagram.length, null);
        }
        outgoing.setSize(5);
        client.send(outgoing);
        Thread.sleep(QUEUEING_MILLIS);

        PacketBatch atServer = new PacketBatch(8, HEADROOM + 2048, HEADROOM);
        assertEquals(5, server.receive(atServer));
        for (int slot = 0; slot < 5; slot++) {
            assertArrayEquals(datagram(slot, slot), payload(atServer, slot));
            assertEquals(client.localAddress(), atServer.address(slot));
        }

        server.send(atServer);
        PacketBatch atClient = new PacketBatch(8, HEADROOM + 2048, HEADROOM);
        int received = 0;
        while (received < 5) {
            received += client.receive(atClient);
            assertEquals(server.localAddress(), atClient.address(0));
        }
    }

    /** Like the JDK's sockets: a server on the IPv6 wildcard hears IPv4 clients, named by their IPv4 address. */
    @Test
    void aServerOnTheIpv6WildcardHearsAndAnswersIpv4Clients() throws Exception {
        TransportEndpoint server = listen(new InetSocketAddress(InetAddress.getByName("::"), 0));
        DatagramSocket client = jdkSocket(LOOPBACK);
        client.send(new DatagramPacket(new byte[] {42}, 1, new InetSocketAddress(LOOPBACK, server.localAddress().getPort())));

        PacketBatch batch = new PacketBatch(4, HEADROOM + 100, HEADROOM);
        assertEquals(1, server.receive(batch));
        assertEquals(client.getLocalSocketAddress(), batch.address(0));

        server.send(batch);
        assertEquals(42, receiveFrom(client).getData()[0]);
    }

    private TransportEndpoint listen(InetSocketAddress local) throws IOException {
        TransportEndpoint endpoint = transport.listen(local);
        opened.add(endpoint);
        return endpoint;
    }

    private DatagramSocket jdkSocket(InetAddress address) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
        socket.setSoTimeout(5_000);
        opened.add(socket);
        return socket;
    }

    private static DatagramPacket receiveFrom(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return packet;
    }

    /** Names its sender in the first byte; a length that differs by round. */
    private static byte[] datagram(int sender, int round) {
        byte[] datagram = new byte[20 + 37 * round];
        Arrays.fill(datagram, (byte) (sender * 16 + round));
        datagram[0] = (byte) sender;
        return datagram;
    }

    private static byte[] payload(PacketBatch batch, int slot) {
        return Arrays.copyOfRange(batch.buffer(slot), batch.offset(slot), batch.offset(slot) + batch.length(slot));
    }
}
