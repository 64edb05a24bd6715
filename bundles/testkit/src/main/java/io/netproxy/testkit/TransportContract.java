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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine expects of every {@link Transport}, checked on loopback only: a server and a client endpoint
 * carry whole datagrams both ways with the sender's address, in batches, many in a row and up to
 * {@link #maxDatagramSize()}; close unblocks the receiving thread; ports are refused while busy, free after
 * close, and shared by {@link Transport#listenBeside} (make before break). A subclass supplies the transport.
 */
@Timeout(60)
public abstract class TransportContract {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Room in front of each packet, as the engine leaves it for its own header. */
    private static final int HEADROOM = 32;
    private static final long RECEIVE_TIMEOUT_MS = 5_000;

    private final List<TransportEndpoint> opened = new ArrayList<>();
    private ExecutorService receivers;
    private Transport transport;
    private TransportEndpoint server;
    private TransportEndpoint client;

    /** A new instance of the transport under test, configured as it would be in service. */
    protected abstract Transport newTransport() throws Exception;

    /**
     * The largest datagram the transport carries, as its documentation states it (UDP on loopback: 65,507 bytes
     * minus its own framing). The engine never sends more than the tunnel MTU plus its header and tag.
     */
    protected abstract int maxDatagramSize();

    @BeforeEach
    final void openEndpoints() throws Exception {
        receivers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "contract-receiver");
            thread.setDaemon(true);
            return thread;
        });
        transport = newTransport();
        server = open(transport.listen(new InetSocketAddress(LOOPBACK, 0)));
        client = open(transport.connect(server.localAddress()));
    }

    @AfterEach
    final void closeEndpoints() throws IOException {
        for (TransportEndpoint endpoint : opened) endpoint.close();
        receivers.shutdownNow();
    }

    @Test
    void isRegisteredUnderItsName() {
        ComponentDescriptor.assertRegisteredAs(transport.getClass(), Transport.class, Transport.PROPERTY, transport.name());
    }

    @Test
    void statesANonNegativeOverhead() {
        assertTrue(server.overhead() >= 0, "server overhead " + server.overhead());
        assertTrue(client.overhead() >= 0, "client overhead " + client.overhead());
    }

    @Test
    void listensWhereAskedAndConnectsToIt() {
        assertEquals(LOOPBACK, server.localAddress().getAddress());
        assertNotEquals(0, server.localAddress().getPort(), "port 0 means the kernel picks one, which localAddress() tells");
    }

    @Test
    void carriesDatagramsBothWaysWithTheSendersAddress() throws Exception {
        byte[] hello = bytes(1, 200);
        client.send(hello, 0, hello.length, server.localAddress());
        Received atServer = receiveOne(server);
        assertArrayEquals(hello, atServer.bytes(), "client to server");
        assertNotNull(atServer.from(), "the server learns where the datagram came from");
        assertEquals(client.localAddress(), atServer.from(), "the sender's address is the client's");

        byte[] framed = bytes(2, 300);
        server.send(framed, 7, 280, atServer.from());
        Received atClient = receiveOne(client);
        assertArrayEquals(Arrays.copyOfRange(framed, 7, 287), atClient.bytes(), "server to client, from an offset");
        assertEquals(server.localAddress(), atClient.from(), "the client sees the server's address");
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
        server.send(outgoing);
        assertSameDatagrams(sent, receive(client, sent.size()));

        for (int slot = 0; slot < outgoing.size(); slot++) outgoing.set(slot, HEADROOM, outgoing.length(slot), server.localAddress());
        client.send(outgoing);
        assertSameDatagrams(sent, receive(server, sent.size()));
    }

    @Test
    void carriesManyDatagramsInARow() throws Exception {
        Random random = new Random(42);
        List<byte[]> sent = new ArrayList<>();
        List<Received> received = new ArrayList<>();
        // in windows, so that a datagram transport's socket buffers never overflow
        for (int window = 0; window < 20; window++) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] datagram = new byte[8 + random.nextInt(1400)];
                random.nextBytes(datagram);
                ByteBuffer.wrap(datagram).putInt(window * 50 + i);
                client.send(datagram, 0, datagram.length, server.localAddress());
                batch.add(datagram);
            }
            sent.addAll(batch);
            received.addAll(receive(server, batch.size()));
        }
        assertSameDatagrams(sent, received);
    }

    @Test
    void carriesDatagramsUpToTheStatedMaximum() throws Exception {
        for (int size : new int[] {1, 2, 576, 1280, 1500, maxDatagramSize()}) {
            if (size > maxDatagramSize()) continue;
            byte[] datagram = bytes(size, size);
            client.send(datagram, 0, datagram.length, server.localAddress());
            Received got = receiveOne(server, new PacketBatch(1, HEADROOM + maxDatagramSize(), HEADROOM));
            assertArrayEquals(datagram, got.bytes(), size + " bytes");
        }
    }

    @Test
    void closeUnblocksAReceiverWithAnIOException() throws Exception {
        for (TransportEndpoint endpoint : List.of(server, client)) {
            Future<Integer> receiving = receivers.submit(() -> endpoint.receive(batch()));
            Thread.sleep(200);
            assertFalse(receiving.isDone(), "receive returned with nothing sent");
            endpoint.close();
            try {
                receiving.get(2, TimeUnit.SECONDS);
                fail("receive returned normally after close");
            } catch (ExecutionException e) {
                assertInstanceOf(IOException.class, e.getCause(), "receive after close throws an IOException");
            } catch (TimeoutException e) {
                fail("close did not unblock receive within 2 s");
            }
        }
    }

    @Test
    void aBusyPortIsRefusedWithABindException() {
        assertThrows(BindException.class, () -> open(transport.listen(server.localAddress())));
    }

    @Test
    void thePortIsFreeAgainAfterClose() throws Exception {
        InetSocketAddress address = server.localAddress();
        client.close();
        server.close();
        TransportEndpoint again = open(transport.listen(address));
        assertEquals(address, again.localAddress());
    }

    /** Make before break: the replacement shares the port and takes the peers over once the old endpoint closes. */
    @Test
    void listenBesideSharesThePortAndTakesOver() throws Exception {
        clientAddressAtServer();
        TransportEndpoint replacement = open(transport.listenBeside(server));
        assertEquals(server.localAddress(), replacement.localAddress());
        server.close();

        byte[] hello = bytes(3, 100);
        Future<Received> arriving = receivers.submit(() -> {
            PacketBatch batch = batch();
            replacement.receive(batch);
            return Received.of(batch, 0);
        });
        // a stream transport's client reconnects on its own; datagrams sent meanwhile may be lost
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!arriving.isDone() && System.nanoTime() < deadline) {
            client.send(hello, 0, hello.length, server.localAddress());
            Thread.sleep(100);
        }
        assertTrue(arriving.isDone(), "the replacement got nothing within 15 s of the old endpoint closing");
        assertArrayEquals(hello, arriving.get().bytes());
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** One datagram as the receiver saw it. */
    protected record Received(byte[] bytes, InetSocketAddress from) {
        static Received of(PacketBatch batch, int slot) {
            assertEquals(batch.headroom(), batch.offset(slot), "a received datagram is placed at the batch's headroom");
            return new Received(Arrays.copyOfRange(batch.buffer(slot), batch.offset(slot),
                    batch.offset(slot) + batch.length(slot)), batch.address(slot));
        }
    }

    private TransportEndpoint open(TransportEndpoint endpoint) {
        opened.add(endpoint);
        return endpoint;
    }

    private InetSocketAddress clientAddressAtServer() throws Exception {
        byte[] hello = bytes(9, 20);
        client.send(hello, 0, hello.length, server.localAddress());
        return receiveOne(server).from();
    }

    private Received receiveOne(TransportEndpoint endpoint) throws Exception {
        return receiveOne(endpoint, batch());
    }

    private Received receiveOne(TransportEndpoint endpoint, PacketBatch batch) throws Exception {
        List<Received> got = receive(endpoint, batch, 1);
        assertEquals(1, got.size(), "one datagram sent, more received");
        return got.get(0);
    }

    private List<Received> receive(TransportEndpoint endpoint, int count) throws Exception {
        return receive(endpoint, batch(), count);
    }

    /** Receives until {@code count} datagrams arrived, on a thread of its own so that a hang fails the test. */
    private List<Received> receive(TransportEndpoint endpoint, PacketBatch batch, int count) throws Exception {
        Future<List<Received>> receiving = receivers.submit(() -> {
            List<Received> got = new ArrayList<>();
            while (got.size() < count) {
                int n = endpoint.receive(batch);
                assertTrue(n >= 1 && n == batch.size(), "receive returns how many it placed in the batch: " + n);
                for (int slot = 0; slot < n; slot++) got.add(Received.of(batch, slot));
            }
            return got;
        });
        try {
            return receiving.get(RECEIVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            endpoint.close();
            return fail("fewer than " + count + " datagrams arrived within " + RECEIVE_TIMEOUT_MS + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError assertion) throw assertion;
            throw e;
        }
    }

    private static void assertSameDatagrams(List<byte[]> sent, List<Received> received) {
        assertEquals(sent.size(), received.size());
        // a datagram transport may reorder; compare as sets of contents
        List<String> expected = sent.stream().map(Arrays::toString).sorted().toList();
        List<String> actual = received.stream().map(r -> Arrays.toString(r.bytes())).sorted().toList();
        assertTrue(expected.equals(actual), "the datagrams received differ from those sent");
    }

    private static PacketBatch batch() {
        return new PacketBatch(16, HEADROOM + 2048, HEADROOM);
    }

    /** A recognisable pattern of {@code length} bytes. */
    private static byte[] bytes(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte) (seed * 31 + i * 7);
        return bytes;
    }
}
