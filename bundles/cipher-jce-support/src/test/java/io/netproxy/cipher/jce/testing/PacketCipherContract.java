package io.netproxy.cipher.jce.testing;

import static io.netproxy.cipher.jce.testing.Packets.HEADER;
import static io.netproxy.cipher.jce.testing.Packets.TAG;
import static io.netproxy.cipher.jce.testing.Packets.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every sealer and opener pair of netproxy does, whatever the algorithm: round trips in place, -1 for any
 * packet that is forged, truncated or out of the buffer, refusal to seal a counter twice, and keys that are
 * copied and wiped. A subclass names the pair through its constructor; keys are 32 bytes and tags
 * {@link Packets#TAG 16}. Known-answer tests belong with each suite.
 */
public abstract class PacketCipherContract {
    private final byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private final Function<byte[], ? extends PacketSealer> sealers;
    private final Function<byte[], ? extends PacketOpener> openers;
    private final boolean survivesAForgery;

    /** The suite's own sealer and opener. */
    protected PacketCipherContract(CipherSuite suite) {
        this(suite::newSealer, suite::newOpener, true);
    }

    /**
     * @param survivesAForgery whether the opener still opens the genuine packet after a forgery that carried its
     *        counter; SunJCE's ChaCha20-Poly1305 before JDK 21 does not, which is why netproxy never uses it there
     */
    protected PacketCipherContract(Function<byte[], ? extends PacketSealer> sealers,
            Function<byte[], ? extends PacketOpener> openers, boolean survivesAForgery) {
        this.sealers = sealers;
        this.openers = openers;
        this.survivesAForgery = survivesAForgery;
    }

    @Test
    void rejectsKeysOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> newSealer(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> newOpener(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> newOpener(new byte[33]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 63, 64, 65, 1400, 65_000})
    void roundTripsInPlace(int length) {
        byte[] buf = packet(length);
        byte[] original = buf.clone();
        try (PacketSealer sealer = newSealer(key); PacketOpener opener = newOpener(key)) {
            assertEquals(length + TAG, sealer.seal(7, buf, 0, HEADER, HEADER, length));
            assertEquals(length, opener.open(7, buf, 0, HEADER, HEADER, length + TAG));
        }
        assertArrayEquals(Arrays.copyOf(original, HEADER + length), Arrays.copyOf(buf, HEADER + length));
    }

    @Test
    void opensManyPacketsInARow() {
        try (PacketSealer sealer = newSealer(key); PacketOpener opener = newOpener(key)) {
            for (int counter = 0; counter < 200; counter++) {
                int length = counter * 7;
                byte[] buf = packet(length);
                sealer.seal(counter, buf, 0, HEADER, HEADER, length);
                assertEquals(length, opener.open(counter, buf, 0, HEADER, HEADER, length + TAG));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, HEADER + 3, HEADER + 100 + 5})
    void rejectsAFlippedBitInAadCiphertextOrTag(int position) {
        byte[] buf = sealedPacket(42, 100);
        buf[position] ^= 0x10;
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @Test
    void rejectsTheWrongCounter() {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(43, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 31})
    void rejectsTheWrongKey(int flippedByte) {
        byte[] buf = sealedPacket(42, 100);
        byte[] otherKey = key.clone();
        otherKey[flippedByte] ^= 1;
        try (PacketOpener opener = newOpener(otherKey)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, TAG - 1, TAG, 100 + TAG - 1})
    void rejectsTruncatedPackets(int length) {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, length));
        }
    }

    @Test
    void rejectsRangesOutsideTheBuffer() {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, buf.length));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, -1, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, -1, HEADER, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, 0, -1, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, buf.length, 1, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, Integer.MAX_VALUE, 100 + TAG));
            assertEquals(-1, opener.open(42, null, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    /** A forgery must not block the genuine packet with its counter. */
    @ParameterizedTest
    @ValueSource(ints = {HEADER, HEADER + 50})
    void opensTheGenuinePacketAfterAForgeryWithTheSameCounter(int position) {
        assumeTrue(survivesAForgery, "this opener is not used where a forgery would block the genuine packet");
        byte[] genuine = sealedPacket(9, 100);
        byte[] forged = genuine.clone();
        forged[position] ^= 1;
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(9, forged, 0, HEADER, HEADER, 100 + TAG));
            assertEquals(100, opener.open(9, genuine, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @Test
    void refusesToSealTheSameCounterTwice() {
        try (PacketSealer sealer = newSealer(key)) {
            sealer.seal(5, packet(10), 0, HEADER, HEADER, 10);
            assertThrows(IllegalStateException.class, () -> sealer.seal(5, packet(10), 0, HEADER, HEADER, 10));
        }
    }

    @Test
    void refusesToSealWithoutRoomForTheTag() {
        try (PacketSealer sealer = newSealer(key)) {
            byte[] buf = new byte[HEADER + 10];
            assertThrows(IllegalArgumentException.class, () -> sealer.seal(1, buf, 0, HEADER, HEADER, 10));
        }
    }

    @Test
    void closedOpenerRejectsEverything() {
        byte[] buf = sealedPacket(3, 50);
        PacketOpener opener = newOpener(key);
        opener.close();
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + TAG));
    }

    /** After close the key is all zeros inside the opener; a packet sealed with zeros must still fail. */
    @Test
    void closedOpenerRejectsPacketsSealedWithTheZeroKey() {
        byte[] buf = packet(50);
        try (PacketSealer zeroSealer = newSealer(new byte[32])) {
            zeroSealer.seal(3, buf, 0, HEADER, HEADER, 50);
        }
        PacketOpener opener = newOpener(key);
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + TAG));
    }

    @Test
    void closedSealerRefuses() {
        PacketSealer sealer = newSealer(key);
        sealer.close();
        sealer.close();
        assertThrows(IllegalStateException.class, () -> sealer.seal(4, packet(50), 0, HEADER, HEADER, 50));
    }

    @Test
    void copiesTheKey() {
        byte[] sealerKey = key.clone();
        byte[] openerKey = key.clone();
        byte[] buf = packet(20);
        try (PacketSealer sealer = newSealer(sealerKey); PacketOpener opener = newOpener(openerKey)) {
            Arrays.fill(sealerKey, (byte) 0);
            Arrays.fill(openerKey, (byte) 0);
            sealer.seal(1, buf, 0, HEADER, HEADER, 20);
            assertEquals(20, opener.open(1, buf, 0, HEADER, HEADER, 20 + TAG));
        }
    }

    private PacketSealer newSealer(byte[] key) {
        return sealers.apply(key);
    }

    private PacketOpener newOpener(byte[] key) {
        return openers.apply(key);
    }

    private byte[] sealedPacket(long counter, int length) {
        byte[] buf = packet(length);
        try (PacketSealer sealer = newSealer(key)) {
            sealer.seal(counter, buf, 0, HEADER, HEADER, length);
        }
        return buf;
    }
}
