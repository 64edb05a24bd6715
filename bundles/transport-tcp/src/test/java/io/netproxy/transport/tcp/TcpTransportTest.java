package io.netproxy.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Loopback only: every socket binds or connects to 127.0.0.1. */
@Timeout(30)
class TcpTransportTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(LOOPBACK, 0);
    private static final byte HANDSHAKE = 1;
    private static final byte DATA = 4;

    private final TcpTransport transport = new TcpTransport();

    @Test
    void carriesDatagramsBothWaysIntactAndInOrder() throws Exception {
        // 500 datagrams of up to 16 KiB sent as fast as they go: a queue that takes them all, so none is dropped
        TcpTransport roomy = new TcpTransport(new Limits(16 << 20, 64 << 10, Duration.ofSeconds(10),
                Duration.ofSeconds(60), 16, 100, Duration.ofSeconds(1)));
        try (Receiver server = new Receiver(roomy.listen(ANY_PORT))) {
            TransportEndpoint serverEndpoint = server.endpoint();
            try (Receiver client = new Receiver(roomy.connect(serverEndpoint.localAddress()))) {
                TransportEndpoint clientEndpoint = client.endpoint();
                Random random = new Random(7);
                List<byte[]> sent = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    byte[] datagram = new byte[1 + random.nextInt(Framing.MAX_DATAGRAM)];
                    random.nextBytes(datagram);
                    datagram[0] = DATA;
                    sent.add(datagram);
                    clientEndpoint.send(datagram, 0, datagram.length, null);
                }
                InetSocketAddress from = null;
                for (byte[] expected : sent) {
                    Receiver.Datagram got = server.next();
                    assertArrayEquals(expected, got.bytes());
                    from = got.from();
                }
                assertEquals(clientEndpoint.localAddress().getPort(), from.getPort());

                byte[] answer = {DATA, 42, 43};
                serverEndpoint.send(answer, 0, answer.length, from);
                assertArrayEquals(answer, client.next().bytes());
                assertEquals(2, serverEndpoint.overhead());
            }
        }
    }

    @Test
    void oneReceivingThreadServesManyConnections() throws Exception {
        int peers = 300;
        TcpTransport many = new TcpTransport(new Limits(64 * 1024, 16 * 1024, Duration.ofSeconds(10),
                Duration.ofSeconds(60), peers, peers, Duration.ofSeconds(1)));
        List<SocketChannel> clients = new ArrayList<>();
        try (Receiver server = new Receiver(many.listen(ANY_PORT))) {
            int threadsBefore = Thread.activeCount();
            for (int i = 0; i < peers; i++) {
                SocketChannel client = SocketChannel.open(server.endpoint().localAddress());
                clients.add(client);
                client.write(ByteBuffer.wrap(new byte[] {0, 3, HANDSHAKE, (byte) (i >> 8), (byte) i}));
            }
            java.util.Set<Integer> heard = new java.util.HashSet<>();
            java.util.Set<InetSocketAddress> from = new java.util.HashSet<>();
            for (int i = 0; i < peers; i++) {
                Receiver.Datagram got = server.next();
                heard.add((got.bytes()[1] & 0xFF) << 8 | got.bytes()[2] & 0xFF);
                from.add(got.from());
            }
            assertEquals(peers, heard.size(), "every connection's frame arrived");
            assertEquals(peers, from.size(), "each from its own address");
            for (InetSocketAddress peer : from) {
                byte[] answer = {DATA, 1};
                server.endpoint().send(answer, 0, answer.length, peer);
            }
            for (SocketChannel client : clients) {
                assertArrayEquals(new byte[] {0, 2, DATA, 1}, readExactly(client, 4), "every peer is answered");
            }
            assertTrue(Thread.activeCount() <= threadsBefore + 2, "no thread per connection: " + Thread.activeCount());
        } finally {
            for (SocketChannel client : clients) client.close();
        }
    }

    @Test
    void closesAConnectionWhoseFrameLengthIsNotAllowed() throws Exception {
        try (Receiver server = new Receiver(transport.listen(ANY_PORT))) {
            for (int length : new int[] {0, Framing.MAX_DATAGRAM + 1}) {
                try (SocketChannel raw = SocketChannel.open(server.endpoint().localAddress())) {
                    raw.write(ByteBuffer.allocate(2).putShort(0, (short) length));
                    assertClosedByPeer(raw);
                }
            }
            assertTrue(server.nothingWithin(100));
        }
    }

    @Test
    void aSplitFrameIsReassembled() throws Exception {
        try (Receiver server = new Receiver(transport.listen(ANY_PORT));
             SocketChannel raw = SocketChannel.open(server.endpoint().localAddress())) {
            byte[] frame = {0, 3, DATA, 9, 8};
            for (byte b : frame) {
                raw.write(ByteBuffer.wrap(new byte[] {b}));
                Thread.sleep(20);
            }
            assertArrayEquals(new byte[] {DATA, 9, 8}, server.next().bytes());
        }
    }

    @Test
    void refusesConnectionsBeyondThePerSourceLimit() throws Exception {
        TcpTransport limited = new TcpTransport(new Limits(1024, 1024, Duration.ofSeconds(10), Duration.ofSeconds(60),
                2, 100, Duration.ofSeconds(1)));
        try (Receiver server = new Receiver(limited.listen(ANY_PORT))) {
            InetSocketAddress address = server.endpoint().localAddress();
            try (SocketChannel first = SocketChannel.open(address); SocketChannel second = SocketChannel.open(address);
                 SocketChannel third = SocketChannel.open(address)) {
                assertClosedByPeer(third);
                // the two admitted ones still carry frames
                first.write(ByteBuffer.wrap(new byte[] {0, 1, DATA}));
                second.write(ByteBuffer.wrap(new byte[] {0, 1, HANDSHAKE}));
                server.next();
                server.next();
            }
        }
    }

    /** Listeners beside each other (a server's lanes) count one source's connections together. */
    @Test
    void listenersSideBySideShareThePerSourceLimit() throws Exception {
        TcpTransport limited = new TcpTransport(new Limits(1024, 1024, Duration.ofSeconds(10), Duration.ofSeconds(60),
                2, 100, Duration.ofSeconds(1)));
        try (Receiver server = new Receiver(limited.listen(ANY_PORT));
             Receiver lane = new Receiver(limited.listenBeside(server.endpoint()))) {
            InetSocketAddress address = server.endpoint().localAddress();
            java.util.List<SocketChannel> channels = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) channels.add(SocketChannel.open(address));
                for (SocketChannel channel : channels) channel.configureBlocking(false);
                // the kernel hands each connection to one of the listeners; all but two are refused, wherever they land
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                long refused;
                while ((refused = channels.stream().filter(TcpTransportTest::closedByPeer).count()) < 8
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(8, refused, "connections refused of 10, with 2 allowed per source");
                assertEquals(2, ((TcpServerEndpoint) server.endpoint()).connectionCount()
                        + ((TcpServerEndpoint) lane.endpoint()).connectionCount());
            } finally {
                for (SocketChannel channel : channels) channel.close();
            }
        }
    }

    /** Whether the peer closed or reset this non-blocking channel. */
    private static boolean closedByPeer(SocketChannel channel) {
        try {
            return channel.read(ByteBuffer.allocate(16)) < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void closesAConnectionThatSendsNoFrameInTime() throws Exception {
        TcpTransport impatient = new TcpTransport(new Limits(1024, 1024, Duration.ofMillis(200), Duration.ofSeconds(60),
                16, 100, Duration.ofSeconds(1)));
        try (Receiver server = new Receiver(impatient.listen(ANY_PORT));
             SocketChannel silent = SocketChannel.open(server.endpoint().localAddress())) {
            assertClosedByPeer(silent);
        }
    }

    @Test
    void aPeerThatDoesNotReadGetsItsDataDroppedAndNoMoreMemory() throws Exception {
        int queue = 64 * 1024;
        TcpTransport bounded = new TcpTransport(new Limits(queue, 4096, Duration.ofSeconds(10), Duration.ofSeconds(60),
                16, 100, Duration.ofSeconds(1)));
        try (Receiver server = new Receiver(bounded.listen(ANY_PORT));
             SocketChannel stalled = SocketChannel.open(server.endpoint().localAddress())) {
            stalled.write(ByteBuffer.wrap(new byte[] {0, 1, HANDSHAKE}));
            InetSocketAddress peer = server.next().from();
            byte[] data = new byte[1400];
            data[0] = DATA;
            int sent = 0;
            IOException full = null;
            // the kernel's socket buffers take a few megabytes first; the queue then fills within 64 KiB
            for (int i = 0; i < 100_000 && full == null; i++) {
                try {
                    server.endpoint().send(data, 0, data.length, peer);
                    sent++;
                } catch (IOException e) {
                    full = e;
                }
            }
            assertInstanceOf(QueueFullException.class, full, "a data message beyond the queue is dropped");
            // handshakes still get the room kept for them, then the stalled connection is closed
            byte[] handshake = new byte[148];
            handshake[0] = HANDSHAKE;
            IOException stalledOut = null;
            for (int i = 0; i < 100 && stalledOut == null; i++) {
                try {
                    server.endpoint().send(handshake, 0, handshake.length, peer);
                } catch (IOException e) {
                    stalledOut = e;
                }
            }
            assertTrue(stalledOut != null && !(stalledOut instanceof QueueFullException), String.valueOf(stalledOut));
            assertTrue(sent > 0);
            IOException gone = assertThrows(IOException.class, () -> server.endpoint().send(data, 0, data.length, peer));
            assertTrue(gone.getMessage().contains("no connection"), gone.getMessage());
        }
    }

    @Test
    void aClientReconnectsAfterItsConnectionBreaks() throws Exception {
        try (ServerSocketChannel fake = ServerSocketChannel.open().bind(ANY_PORT);
             Receiver client = new Receiver(transport.connect((InetSocketAddress) fake.getLocalAddress()))) {
            byte[] hello = {HANDSHAKE, 1};
            try (SocketChannel first = fake.accept()) {
                client.endpoint().send(hello, 0, hello.length, null);
                assertArrayEquals(new byte[] {0, 2, HANDSHAKE, 1}, readExactly(first, 4));
                first.write(ByteBuffer.wrap(new byte[] {0, 1, DATA}));
                assertArrayEquals(new byte[] {DATA}, client.next().bytes());
            }
            // the server side went away; the client connects again on its own
            try (SocketChannel second = fake.accept()) {
                byte[] again = {HANDSHAKE, 2};
                sendWhenConnected(client.endpoint(), again);
                assertArrayEquals(new byte[] {0, 2, HANDSHAKE, 2}, readExactly(second, 4));
            }
        }
    }

    @Test
    void closeEndsReceiveAndFreesThePort() throws Exception {
        TransportEndpoint endpoint = transport.listen(ANY_PORT);
        InetSocketAddress address = endpoint.localAddress();
        Receiver server = new Receiver(endpoint);
        server.close();
        assertInstanceOf(AsynchronousCloseException.class, server.awaitEnd());
        transport.listen(address).close();
    }

    @Test
    void aBusyPortIsRefusedButAReplacementMayBindBeside() throws Exception {
        try (Receiver server = new Receiver(transport.listen(ANY_PORT))) {
            TransportEndpoint current = server.endpoint();
            assertThrows(BindException.class, () -> transport.listen(current.localAddress()));
            try (Receiver beside = new Receiver(transport.listenBeside(current))) {
                assertEquals(current.localAddress(), beside.endpoint().localAddress());
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Sends once the reconnected client has a connection that takes it (sends fail between attempts). */
    private static void sendWhenConnected(TransportEndpoint client, byte[] datagram) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                client.send(datagram, 0, datagram.length, null);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the client did not reconnect");
    }

    private static byte[] readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) throw new IOException("closed after " + buffer.position() + " bytes");
        }
        return buffer.array();
    }

    /** The peer closed (FIN or reset): a read ends the stream or fails. */
    private static void assertClosedByPeer(SocketChannel channel) {
        try {
            int read = channel.read(ByteBuffer.allocate(16));
            assertEquals(-1, read, "expected the connection to be closed");
        } catch (IOException reset) {
            // a reset is a close too
        }
    }
}
