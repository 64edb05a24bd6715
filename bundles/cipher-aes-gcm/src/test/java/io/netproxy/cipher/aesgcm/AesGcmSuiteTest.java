package io.netproxy.cipher.aesgcm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AesGcmSuiteTest {
    private static final int TAG = 16;
    private static final int HEADER = 16;

    private final AesGcmSuite suite = new AesGcmSuite();
    private final byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void describesItself() {
        assertEquals("aes-256-gcm", suite.name());
        assertEquals(2, suite.wireId());
        assertEquals(32, suite.keyLength());
        assertEquals(16, suite.tagLength());
    }

    @Test
    void rejectsKeysOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> suite.newSealer(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> suite.newOpener(new byte[31]));
    }

    /** McGrew and Viega, "The Galois/Counter Mode of Operation", Test Case 16 (AES-256, 96-bit IV, AAD). */
    @Test
    void matchesGcmSpecTestCase16() {
        byte[] k = Hex.bytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        byte[] iv = Hex.bytes("cafebabefacedbaddecaf888");
        byte[] plain = Hex.bytes("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        byte[] aad = Hex.bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        byte[] sealed = Hex.bytes("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                + "76fc6ece0f4e1768cddf8853bb2d551b");

        byte[] buf = concat(aad, plain, new byte[TAG]);
        try (AesGcmSealer sealer = new AesGcmSealer(k)) {
            assertEquals(sealed.length, sealer.seal(iv, buf, 0, aad.length, aad.length, plain.length));
        }
        assertArrayEquals(sealed, Arrays.copyOfRange(buf, aad.length, buf.length));

        try (AesGcmOpener opener = new AesGcmOpener(k)) {
            assertEquals(plain.length, opener.open(iv, buf, 0, aad.length, aad.length, sealed.length));
        }
        assertArrayEquals(plain, Arrays.copyOfRange(buf, aad.length, aad.length + plain.length));
    }

    /** Test Case 14 (AES-256, zero key, zero IV): the nonce of counter 0, through the public API. */
    @Test
    void matchesGcmSpecTestCase14AtCounterZero() {
        byte[] sealed = Hex.bytes("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
        byte[] buf = new byte[32];
        try (PacketSealer sealer = suite.newSealer(new byte[32])) {
            assertEquals(32, sealer.seal(0, buf, 0, 0, 0, 16));
        }
        assertArrayEquals(sealed, buf);
        try (PacketOpener opener = suite.newOpener(new byte[32])) {
            assertEquals(16, opener.open(0, buf, 0, 0, 0, 32));
        }
        assertArrayEquals(new byte[16], Arrays.copyOf(buf, 16));
    }

    @Test
    void noncePutsTheCounterLittleEndianAfterFourZeroBytes() {
        byte[] byCounter = new byte[64];
        byte[] byNonce = new byte[64];
        try (PacketSealer counterSealer = suite.newSealer(key); AesGcmSealer nonceSealer = new AesGcmSealer(key)) {
            counterSealer.seal(0x0807060504030201L, byCounter, 0, 8, 8, 40);
            nonceSealer.seal(Hex.bytes("000000000102030405060708"), byNonce, 0, 8, 8, 40);
        }
        assertArrayEquals(byNonce, byCounter);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 1400, 65_000})
    void roundTripsInPlace(int length) {
        byte[] buf = packet(length);
        byte[] original = buf.clone();
        try (PacketSealer sealer = suite.newSealer(key); PacketOpener opener = suite.newOpener(key)) {
            assertEquals(length + TAG, sealer.seal(7, buf, 0, HEADER, HEADER, length));
            assertEquals(length, opener.open(7, buf, 0, HEADER, HEADER, length + TAG));
        }
        assertArrayEquals(Arrays.copyOf(original, HEADER + length), Arrays.copyOf(buf, HEADER + length));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, HEADER + 3, HEADER + 100 + 5})
    void rejectsAFlippedBitInAadCiphertextOrTag(int position) {
        byte[] buf = sealedPacket(42, 100);
        buf[position] ^= 0x10;
        try (PacketOpener opener = suite.newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @Test
    void rejectsTheWrongCounter() {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = suite.newOpener(key)) {
            assertEquals(-1, opener.open(43, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @Test
    void rejectsTheWrongKey() {
        byte[] buf = sealedPacket(42, 100);
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        try (PacketOpener opener = suite.newOpener(otherKey)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, TAG - 1, TAG, 100 + TAG - 1})
    void rejectsTruncatedPackets(int length) {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = suite.newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, length));
        }
    }

    @Test
    void rejectsRangesOutsideTheBuffer() {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = suite.newOpener(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, buf.length));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, -1, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, -1, HEADER, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, 0, -1, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, buf.length, 1, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, Integer.MAX_VALUE, 100 + TAG));
            assertEquals(-1, opener.open(42, null, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @Test
    void opensTheGenuinePacketAfterAForgeryWithTheSameCounter() {
        byte[] genuine = sealedPacket(9, 100);
        byte[] forged = genuine.clone();
        forged[HEADER] ^= 1;
        try (PacketOpener opener = suite.newOpener(key)) {
            assertEquals(-1, opener.open(9, forged, 0, HEADER, HEADER, 100 + TAG));
            assertEquals(100, opener.open(9, genuine, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @Test
    void refusesToSealTheSameCounterTwice() {
        try (PacketSealer sealer = suite.newSealer(key)) {
            sealer.seal(5, packet(10), 0, HEADER, HEADER, 10);
            assertThrows(IllegalStateException.class, () -> sealer.seal(5, packet(10), 0, HEADER, HEADER, 10));
        }
    }

    @Test
    void refusesToSealWithoutRoomForTheTag() {
        try (PacketSealer sealer = suite.newSealer(key)) {
            byte[] buf = new byte[HEADER + 10];
            assertThrows(IllegalArgumentException.class, () -> sealer.seal(1, buf, 0, HEADER, HEADER, 10));
        }
    }

    @Test
    void closedOpenerRejectsEverythingAndClosedSealerRefuses() {
        byte[] buf = sealedPacket(3, 50);
        PacketOpener opener = suite.newOpener(key);
        opener.close();
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + TAG));

        PacketSealer sealer = suite.newSealer(key);
        sealer.close();
        assertThrows(IllegalStateException.class, () -> sealer.seal(4, packet(50), 0, HEADER, HEADER, 50));
    }

    @Test
    void copiesTheKey() {
        byte[] callerKey = key.clone();
        byte[] buf = packet(20);
        try (PacketSealer sealer = suite.newSealer(callerKey); PacketOpener opener = suite.newOpener(key)) {
            Arrays.fill(callerKey, (byte) 0);
            sealer.seal(1, buf, 0, HEADER, HEADER, 20);
            assertEquals(20, opener.open(1, buf, 0, HEADER, HEADER, 20 + TAG));
        }
    }

    private byte[] sealedPacket(long counter, int length) {
        byte[] buf = packet(length);
        try (PacketSealer sealer = suite.newSealer(key)) {
            sealer.seal(counter, buf, 0, HEADER, HEADER, length);
        }
        return buf;
    }

    /** A header of {@link #HEADER} bytes (the AAD), then {@code length} payload bytes, then room for the tag. */
    private static byte[] packet(int length) {
        byte[] buf = new byte[HEADER + length + TAG];
        for (int i = 0; i < HEADER + length; i++) {
            buf[i] = (byte) (i * 31 + 7);
        }
        return buf;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
