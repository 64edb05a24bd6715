package io.netproxy.testkit;

import static io.netproxy.testkit.Packets.HEADER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every sealer and opener pair does for the engine, whatever the algorithm: round trips in place, -1 for
 * any packet that is forged, truncated, out of its buffer or sealed with another counter or key, refusal to seal
 * a counter twice, and keys that are copied and wiped. {@link CipherSuiteContract} runs it through a suite; a
 * subclass of this class names a pair directly. Known-answer tests belong with each implementation.
 */
public abstract class PacketCipherContract {
    private final Function<byte[], ? extends PacketSealer> sealers;
    private final Function<byte[], ? extends PacketOpener> openers;
    private final int keyLength;
    private final int tagLength;
    private final boolean survivesAForgery;
    private final byte[] key;

    /**
     * @param survivesAForgery whether the opener still opens the genuine packet after a forgery that carried its
     *        counter; SunJCE's ChaCha20-Poly1305 before JDK 21 does not, which is why netproxy never uses it there
     */
    protected PacketCipherContract(Function<byte[], ? extends PacketSealer> sealers,
            Function<byte[], ? extends PacketOpener> openers, int keyLength, int tagLength, boolean survivesAForgery) {
        this.sealers = sealers;
        this.openers = openers;
        this.keyLength = keyLength;
        this.tagLength = tagLength;
        this.survivesAForgery = survivesAForgery;
        this.key = new byte[keyLength];
        for (int i = 0; i < keyLength; i++) key[i] = (byte) i;
    }

    @Test
    void rejectsKeysOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> newSealer(new byte[keyLength - 1]));
        assertThrows(IllegalArgumentException.class, () -> newSealer(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> newOpener(new byte[keyLength - 1]));
        assertThrows(IllegalArgumentException.class, () -> newOpener(new byte[keyLength + 1]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 63, 64, 65, 1400, 65_000})
    void roundTripsInPlace(int length) {
        byte[] buf = packet(length);
        byte[] original = buf.clone();
        try (PacketSealer sealer = newSealer(key); PacketOpener opener = newOpener(key)) {
            assertEquals(length + tagLength, sealer.seal(7, buf, 0, HEADER, HEADER, length), "sealed length");
            assertEquals(length, opener.open(7, buf, 0, HEADER, HEADER, length + tagLength), "opened length");
        }
        assertArrayEquals(Arrays.copyOf(original, HEADER + length), Arrays.copyOf(buf, HEADER + length));
    }

    @Test
    void encryptsThePayloadAndLeavesTheHeader() {
        byte[] buf = packet(64);
        byte[] original = buf.clone();
        try (PacketSealer sealer = newSealer(key)) {
            sealer.seal(1, buf, 0, HEADER, HEADER, 64);
        }
        assertArrayEquals(Arrays.copyOf(original, HEADER), Arrays.copyOf(buf, HEADER), "the AAD is not encrypted");
        assertFalse(Arrays.equals(original, HEADER, HEADER + 64, buf, HEADER, HEADER + 64), "the payload is");
    }

    @Test
    void opensManyPacketsInARow() {
        try (PacketSealer sealer = newSealer(key); PacketOpener opener = newOpener(key)) {
            for (int counter = 0; counter < 200; counter++) {
                int length = counter * 7;
                byte[] buf = packet(length);
                sealer.seal(counter, buf, 0, HEADER, HEADER, length);
                assertEquals(length, opener.open(counter, buf, 0, HEADER, HEADER, length + tagLength));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, HEADER - 1, HEADER, HEADER + 3, HEADER + 99, HEADER + 100, HEADER + 100 + 5})
    void rejectsAFlippedBitInAadCiphertextOrTag(int position) {
        byte[] buf = sealedPacket(42, 100);
        buf[position] ^= 0x10;
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, 100 + tagLength));
        }
    }

    @Test
    void rejectsTheWrongCounter() {
        byte[] buf = sealedPacket(42, 100);
        for (long counter : new long[] {43, 41, 42 + (1L << 32), -1}) {
            try (PacketOpener opener = newOpener(key)) {
                assertEquals(-1, opener.open(counter, buf.clone(), 0, HEADER, HEADER, 100 + tagLength), "counter " + counter);
            }
        }
    }

    @Test
    void rejectsTheWrongKey() {
        byte[] buf = sealedPacket(42, 100);
        for (int flippedByte : new int[] {0, keyLength - 1}) {
            byte[] otherKey = key.clone();
            otherKey[flippedByte] ^= 1;
            try (PacketOpener opener = newOpener(otherKey)) {
                assertEquals(-1, opener.open(42, buf.clone(), 0, HEADER, HEADER, 100 + tagLength), "key byte " + flippedByte);
            }
        }
    }

    @Test
    void rejectsTruncatedPackets() {
        byte[] buf = sealedPacket(42, 100);
        for (int length : new int[] {0, 1, tagLength - 1, tagLength, 100 + tagLength - 1}) {
            try (PacketOpener opener = newOpener(key)) {
                assertEquals(-1, opener.open(42, buf.clone(), 0, HEADER, HEADER, length), length + " bytes");
            }
        }
    }

    @Test
    void rejectsRangesOutsideTheBuffer() {
        byte[] buf = sealedPacket(42, 100);
        int sealed = 100 + tagLength;
        try (PacketOpener opener = newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, buf.length));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, -1, sealed));
            assertEquals(-1, opener.open(42, buf, -1, HEADER, HEADER, sealed));
            assertEquals(-1, opener.open(42, buf, 0, -1, HEADER, sealed));
            assertEquals(-1, opener.open(42, buf, buf.length, 1, HEADER, sealed));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, Integer.MAX_VALUE, sealed));
            assertEquals(-1, opener.open(42, null, 0, HEADER, HEADER, sealed));
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
            assertEquals(-1, opener.open(9, forged, 0, HEADER, HEADER, 100 + tagLength));
            assertEquals(100, opener.open(9, genuine, 0, HEADER, HEADER, 100 + tagLength));
        }
    }

    /** The engine never reuses a counter; a sealer that would is a nonce reuse, so it refuses. */
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
            byte[] buf = new byte[HEADER + 10 + tagLength - 1];
            assertThrows(IllegalArgumentException.class, () -> sealer.seal(1, buf, 0, HEADER, HEADER, 10));
        }
    }

    @Test
    void closedOpenerRejectsEverything() {
        byte[] buf = sealedPacket(3, 50);
        PacketOpener opener = newOpener(key);
        opener.close();
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + tagLength));
    }

    /** After close the key is wiped (all zeros, say) inside the opener; a packet sealed with zeros must still fail. */
    @Test
    void closedOpenerRejectsPacketsSealedWithTheZeroKey() {
        byte[] buf = packet(50);
        try (PacketSealer zeroSealer = newSealer(new byte[keyLength])) {
            zeroSealer.seal(3, buf, 0, HEADER, HEADER, 50);
        }
        PacketOpener opener = newOpener(key);
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + tagLength));
    }

    @Test
    void closedSealerRefuses() {
        PacketSealer sealer = newSealer(key);
        sealer.close();
        sealer.close();
        assertThrows(IllegalStateException.class, () -> sealer.seal(4, packet(50), 0, HEADER, HEADER, 50));
    }

    /** The caller wipes its copy of the key right after making a sealer or opener. */
    @Test
    void copiesTheKey() {
        byte[] sealerKey = key.clone();
        byte[] openerKey = key.clone();
        byte[] buf = packet(20);
        try (PacketSealer sealer = newSealer(sealerKey); PacketOpener opener = newOpener(openerKey)) {
            Arrays.fill(sealerKey, (byte) 0);
            Arrays.fill(openerKey, (byte) 0);
            sealer.seal(1, buf, 0, HEADER, HEADER, 20);
            assertEquals(20, opener.open(1, buf, 0, HEADER, HEADER, 20 + tagLength));
        }
    }

    private PacketSealer newSealer(byte[] key) {
        return sealers.apply(key);
    }

    private PacketOpener newOpener(byte[] key) {
        return openers.apply(key);
    }

    private byte[] packet(int length) {
        return Packets.packet(length, tagLength);
    }

    private byte[] sealedPacket(long counter, int length) {
        byte[] buf = packet(length);
        try (PacketSealer sealer = newSealer(key)) {
            sealer.seal(counter, buf, 0, HEADER, HEADER, length);
        }
        return buf;
    }
}
