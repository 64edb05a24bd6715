package io.netproxy.examples.obfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What an observer of the wire sees, through a plain UDP socket on loopback. */
@Timeout(20)
class ObfsWireTest {
    /** A netproxy handshake initiation: type 1, three zero bytes, 173 bytes in all (PROTOCOL.md 4.1). */
    private static final byte[] INITIATION = initiation();

    private final ObfsTransport transport = new ObfsTransport(ObfsKey.derive(ObfsTransportContractTest.SECRET,
            ObfsTransportContractTest.SECRET.length), 64);
    private DatagramChannel observer;
    private TransportEndpoint client;

    @BeforeEach
    void open() throws IOException {
        observer = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = transport.connect((InetSocketAddress) observer.getLocalAddress());
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        observer.close();
    }

    @Test
    void theWireShowsNeitherTypeBytesNorFixedLengthsNorTheSameBytesTwice() throws IOException {
        Set<Integer> lengths = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            client.send(INITIATION, 0, INITIATION.length, null);
            byte[] wire = receiveRaw();
            assertFalse(wire[0] == 1 && wire[1] == 0 && wire[2] == 0 && wire[3] == 0, "netproxy's header shows");
            assertFalse(contains(wire, Arrays.copyOfRange(INITIATION, 4, 40)), "the message shows");
            assertTrue(wire.length >= INITIATION.length + ObfsCodec.HEADER
                    && wire.length <= INITIATION.length + client.overhead(), "length " + wire.length);
            lengths.add(wire.length);
            prefixes.add(Arrays.toString(Arrays.copyOf(wire, 8)));
        }
        assertTrue(lengths.size() > 10, "padding varies the length: " + lengths);
        assertEquals(50, prefixes.size(), "each datagram has a nonce of its own");
    }

    @Test
    void datagramsOfAnotherKeyAndGarbageAreDroppedAndTheNextGoodOneArrives() throws IOException {
        try (TransportEndpoint server = transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramChannel prober = DatagramChannel.open()) {
            byte[] other = "another obfuscation secret entirely".getBytes();
            try (TransportEndpoint stranger = new ObfsTransport(ObfsKey.derive(other, other.length), 64)
                    .connect(server.localAddress())) {
                stranger.send(INITIATION, 0, INITIATION.length, null);
            }
            for (int length : new int[] {0, 1, ObfsCodec.HEADER - 1, ObfsCodec.HEADER, 40, 1400}) {
                byte[] garbage = new byte[length];
                Arrays.fill(garbage, (byte) 0xff);
                prober.send(ByteBuffer.wrap(garbage), server.localAddress());
            }
            try (TransportEndpoint friend = transport.connect(server.localAddress())) {
                friend.send(INITIATION, 0, INITIATION.length, null);
                PacketBatch batch = new PacketBatch(1, 2048, 16);
                assertEquals(1, server.receive(batch));
                assertArrayEquals(INITIATION, Arrays.copyOfRange(batch.buffer(0), 16, 16 + batch.length(0)));
                assertEquals(friend.localAddress(), batch.address(0));
            }
        }
    }

    @Test
    void refusesADatagramThatWouldNotFitWithItsPadding() {
        byte[] big = new byte[ObfsCodec.maxDatagram(64) + 1];
        assertThrows(IOException.class, () -> client.send(big, 0, big.length, null));
    }

    private byte[] receiveRaw() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        observer.receive(buffer);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return true;
        }
        return false;
    }

    private static byte[] initiation() {
        byte[] message = new byte[173];
        message[0] = 1;
        for (int i = 4; i < message.length; i++) message[i] = (byte) (i * 13);
        return message;
    }
}
