package io.netproxy.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine expects of every {@link Transport}, checked on loopback only: a server and a client endpoint
 * carry whole datagrams both ways with the sender's address, in batches, many in a row and up to
 * {@link #maxDatagramSize()}; close unblocks the receiving thread; ports are refused while busy, free after
 * close, and shared by {@link Transport#listenBeside} (make before break, and side by side, as a server's lanes
 * run: each endpoint answers the peers it hears). As in the engine, a thread receives on
 * each endpoint from the moment it is open (a transport may do its connection work in that thread) while others
 * send. A subclass supplies the transport.
 */
@Timeout(60)
public abstract class TransportContract {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Room in front of each datagram, so that a receiver that ignores the headroom is caught. */
    private static final int HEADROOM = 32;
    private static final long RECEIVE_TIMEOUT_MS = 5_000;

    private final List<Receiver> receivers = new ArrayList<>();
    private Transport transport;
    private Receiver server;
    private Receiver client;

    /** A new instance of the transport under test, configured as it would be in service. */
    protected abstract Transport newTransport() throws Exception;

    /**
     * The largest datagram the transport carries, as its documentation states it (UDP on loopback: 65,507 bytes
     * minus its own framing). The engine never sends more than the tunnel MTU plus its header and tag.
     */
    protected abstract int maxDatagramSize();

    @BeforeEach
    final void openEndpoints() throws Exception {
        transport = newTransport();
        server = open(transport.listen(new InetSocketAddress(LOOPBACK, 0)));
        client = open(transport.connect(server.address()));
    }

    @AfterEach
    final void closeEndpoints() throws Exception {
        for (Receiver receiver : receivers) receiver.close();
    }

    @Test
    void isRegisteredUnderItsName() {
        ComponentDescriptor.assertRegisteredAs(transport.getClass(), Transport.class, Transport.PROPERTY, transport.name());
    }

    @Test
    void statesANonNegativeOverhead() {
        assertTrue(server.endpoint.overhead() >= 0, "server overhead " + server.endpoint.overhead());
        assertTrue(client.endpoint.overhead() >= 0, "client overhead " + client.endpoint.overhead());
    }

    @Test
    void listensWhereAsked() {
        assertEquals(LOOPBACK, server.address().getAddress());
        assertNotEquals(0, server.address().getPort(), "port 0 means the kernel picks one, which localAddress() tells");
    }

    @Test
    void carriesDatagramsBothWaysWithTheSendersAddress() throws Exception {
        byte[] hello = bytes(1, 200);
        client.endpoint.send(hello, 0, hello.length, server.address());
        Received atServer = server.next();
        assertArrayEquals(hello, atServer.bytes(), "client to server");
        assertNotNull(atServer.from(), "the server learns where the datagram came from");
        // a client bound to the wildcard address reports that as its own
        InetSocketAddress clientAddress = client.address();
        assertEquals(clientAddress.getPort(), atServer.from().getPort(), "the sender's port is the client's");
        assertTrue(clientAddress.getAddress().isAnyLocalAddress() || clientAddress.equals(atServer.from()),
                "the sender's address " + atServer.from() + " is the client's " + clientAddress);

        byte[] framed = bytes(2, 300);
        server.endpoint.send(framed, 7, 280, atServer.from());
        Received atClient = client.next();
        assertArrayEquals(Arrays.copyOfRange(framed, 7, 287), atClient.bytes(), "server to client, from an offset");
        assertEquals(server.address(), atClient.from(), "the client sees the server's address");
    }

    @Test
    void sendsEverySlotOfABatch() throws Exception {
        InetSocketAddress clientAddress = clientAddressAtServer();
        PacketBatch outgoing = new PacketBatch(8, HEADROOM + 2048, HEADROOM);
        List<byte[]> sent = new ArrayList<>();
        for (int slot = 0; slot < outgoing.capacity(); slot++) {
            byte[] datagram = bytes(10 + slot, 100 + 150 * slot);
            System.arraycopy(datagram, 0, outgoing.buffer(slot), HEADROOM, datagram.length);
            outgoing.set(slot, HEADROOM, datagram.length, clientAddress);
            sent.add(datagram);
        }
        outgoing.setSize(outgoing.capacity());
        server.endpoint.send(outgoing);
        assertSameDatagrams(sent, client.next(sent.size()));

        for (int slot = 0; slot < outgoing.size(); slot++) {
            outgoing.set(slot, outgoing.offset(slot), outgoing.length(slot), server.address());
        }
        client.endpoint.send(outgoing);
        assertSameDatagrams(sent, server.next(sent.size()));
    }

    @Test
    void carriesManyDatagramsInARow() throws Exception {
        Random random = new Random(42);
        List<byte[]> sent = new ArrayList<>();
        List<Received> received = new ArrayList<>();
        // in windows, so that a datagram transport's socket buffers never overflow
        for (int window = 0; window < 20; window++) {
            for (int i = 0; i < 50; i++) {
                byte[] datagram = new byte[8 + random.nextInt(1400)];
                random.nextBytes(datagram);
                ByteBuffer.wrap(datagram).putInt(window * 50 + i);
                client.endpoint.send(datagram, 0, datagram.length, server.address());
                sent.add(datagram);
            }
            received.addAll(server.next(50));
        }
        assertSameDatagrams(sent, received);
    }

    @Test
    void carriesDatagramsUpToTheStatedMaximum() throws Exception {
        for (int size : new int[] {1, 2, 576, 1280, 1500, 9000, maxDatagramSize()}) {
            if (size > maxDatagramSize()) continue;
            byte[] datagram = bytes(size, size);
            client.endpoint.send(datagram, 0, datagram.length, server.address());
            assertArrayEquals(datagram, server.next().bytes(), size + " bytes");
        }
    }

    @Test
    void closeUnblocksTheReceivingThreadWithAnIOException() throws Exception {
        for (Receiver receiver : List.of(server, client)) {
            Thread.sleep(200);
            assertTrue(receiver.thread.isAlive(), "receive returned with nothing sent: " + receiver.ended);
            receiver.endpoint.close();
            receiver.thread.join(2_000);
            assertFalse(receiver.thread.isAlive(), "close did not unblock receive within 2 s");
            assertInstanceOf(IOException.class, receiver.ended, "receive after close throws an IOException");
        }
    }

    @Test
    void aBusyPortIsRefusedWithABindException() {
        assertThrows(BindException.class, () -> open(transport.listen(server.address())));
    }

    @Test
    void thePortIsFreeAgainAfterClose() throws Exception {
        InetSocketAddress address = server.address();
        client.close();
        server.close();
        assertEquals(address, open(transport.listen(address)).address());
    }

    /** Make before break: the replacement shares the port and takes the peers over once the old endpoint closes. */
    @Test
    void listenBesideSharesThePortAndTakesOver() throws Exception {
        clientAddressAtServer();
        Receiver replacement = open(transport.listenBeside(server.endpoint));
        assertEquals(server.address(), replacement.address());
        server.close();

        byte[] hello = bytes(3, 100);
        // a stream transport's client reconnects on its own; datagrams sent meanwhile may be lost
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (replacement.received.isEmpty() && System.nanoTime() < deadline) {
            try {
                client.endpoint.send(hello, 0, hello.length, replacement.address());
            } catch (IOException e) {
                // not connected at this moment: the next round tries again
            }
            Thread.sleep(100);
        }
        assertFalse(replacement.received.isEmpty(), "the replacement got nothing within 15 s of the old endpoint closing");
        assertArrayEquals(hello, replacement.next().bytes());
    }

    /**
     * A server's lanes: endpoints side by side on one port, among which the kernel spreads the peers, each answering
     * the peers it hears (a stream transport's connection is its endpoint's). Which endpoint hears whom is the
     * kernel's choice, so it is not asserted; 12 peers from one address stay under a server's per-source limits.
     * Skipped for a transport that cannot share a port, where a server then receives on one endpoint.
     */
    @Test
    void endpointsSideBySideEachAnswerThePeersTheyHear() throws Exception {
        Receiver lane;
        try {
            lane = open(transport.listenBeside(server.endpoint));
        } catch (IOException cannotShare) {
            org.junit.jupiter.api.Assumptions.abort("this transport cannot share its port: " + cannotShare.getMessage());
            return;
        }
        List<Receiver> peers = new ArrayList<>();
        for (int i = 0; i < 12; i++) peers.add(open(transport.connect(server.address())));
        for (int i = 0; i < peers.size(); i++) {
            Receiver peer = peers.get(i);
            byte[] hello = bytes(10 + i, 64);
            Receiver endpoint = firstToHear(peer, hello, List.of(server, lane));
            Received datagram = endpoint.next();
            assertArrayEquals(hello, datagram.bytes());
            byte[] answer = bytes(100 + i, 48);
            endpoint.endpoint.send(answer, 0, answer.length, datagram.from());
            Received back = peer.next();
            assertArrayEquals(answer, back.bytes(), "peer " + i + " gets the answer of the endpoint that heard it");
            assertEquals(server.address(), back.from());
        }
    }

    /** Sends {@code hello} from {@code peer} until one of {@code endpoints} has it (a stream transport connects first). */
    private static Receiver firstToHear(Receiver peer, byte[] hello, List<Receiver> endpoints) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                peer.endpoint.send(hello, 0, hello.length, endpoints.get(0).address());
            } catch (IOException e) {
                // not connected at this moment: the next round tries again
            }
            for (int wait = 0; wait < 10; wait++) {
                for (Receiver endpoint : endpoints) {
                    // a stream transport may deliver an earlier peer's retried hello late: not this peer's
                    endpoint.received.removeIf(datagram -> !Arrays.equals(datagram.bytes(), hello));
                    if (!endpoint.received.isEmpty()) return endpoint;
                }
                Thread.sleep(10);
            }
        }
        fail("no endpoint heard the peer within 15 s");
        return null;
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** One datagram as the receiving thread saw it. */
    private record Received(byte[] bytes, InetSocketAddress from) {
    }

    /** An open endpoint and the thread that receives on it, as the engine runs one. */
    private final class Receiver {
        final TransportEndpoint endpoint;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final Thread thread;
        volatile Throwable ended;

        Receiver(TransportEndpoint endpoint) {
            this.endpoint = endpoint;
            this.thread = new Thread(this::receive, "contract-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        private void receive() {
            PacketBatch batch = new PacketBatch(16, HEADROOM + maxDatagramSize(), HEADROOM);
            try {
                while (true) {
                    int count = endpoint.receive(batch);
                    assertTrue(count >= 1 && count == batch.size(), "receive returns how many it placed in the batch: " + count);
                    for (int slot = 0; slot < count; slot++) {
                        assertEquals(HEADROOM, batch.offset(slot), "a received datagram is placed at the batch's headroom");
                        received.add(new Received(Arrays.copyOfRange(batch.buffer(slot), batch.offset(slot),
                                batch.offset(slot) + batch.length(slot)), batch.address(slot)));
                    }
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                ended = e;
            }
        }

        InetSocketAddress address() {
            return endpoint.localAddress();
        }

        Received next() throws InterruptedException {
            return next(1).get(0);
        }

        List<Received> next(int count) throws InterruptedException {
            List<Received> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECEIVE_TIMEOUT_MS);
            while (got.size() < count) {
                Received datagram = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (datagram == null) {
                    if (ended instanceof AssertionError failure) throw failure;
                    fail(got.size() + " of " + count + " datagrams arrived within " + RECEIVE_TIMEOUT_MS + " ms"
                            + (ended == null ? "" : "; receive ended with " + ended));
                }
                got.add(datagram);
            }
            return got;
        }

        void close() throws Exception {
            endpoint.close();
            thread.join(2_000);
        }
    }

    private Receiver open(TransportEndpoint endpoint) {
        Receiver receiver = new Receiver(endpoint);
        receivers.add(receiver);
        return receiver;
    }

    private InetSocketAddress clientAddressAtServer() throws Exception {
        byte[] hello = bytes(9, 20);
        client.endpoint.send(hello, 0, hello.length, server.address());
        return server.next().from();
    }

    private static void assertSameDatagrams(List<byte[]> sent, List<Received> received) {
        assertEquals(sent.size(), received.size());
        // a datagram transport may reorder; compare the contents in any order
        List<String> expected = sent.stream().map(Arrays::toString).sorted().toList();
        List<String> actual = received.stream().map(r -> Arrays.toString(r.bytes())).sorted().toList();
        assertTrue(expected.equals(actual), "the datagrams received differ from those sent");
    }

    /** A recognisable pattern of {@code length} bytes. */
    private static byte[] bytes(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte) (seed * 31 + i * 7);
        return bytes;
    }
}
