package io.netproxy.cipher.chacha20poly1305;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ChaCha20Poly1305SuiteTest {
    private static final int TAG = 16;
    private static final int HEADER = 16;

    /** RFC 8439 section 2.8.2. */
    private static final byte[] RFC_KEY = Hex.bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    private static final byte[] RFC_NONCE = Hex.bytes("070000004041424344454647");
    private static final byte[] RFC_AAD = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] RFC_PLAIN = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip"
            + " for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RFC_SEALED = Hex.bytes(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
            + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            + "3ff4def08e4b7a9de576d26586cec64b6116"
            + "1ae10b594f09e26a7e902ecbd0600691");

    private final ChaCha20Poly1305Suite suite = new ChaCha20Poly1305Suite();
    private final byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void describesItself() {
        assertEquals("chacha20-poly1305", suite.name());
        assertEquals(1, suite.wireId());
        assertEquals(32, suite.keyLength());
        assertEquals(16, suite.tagLength());
    }

    @Test
    void rejectsKeysOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> suite.newSealer(new byte[16]));
        for (OpenerKind kind : OpenerKind.values()) {
            assertThrows(IllegalArgumentException.class, () -> kind.create(new byte[33]));
        }
    }

    @Test
    void opensWithSunJceFromJdk21AndWithBouncyCastleBefore() {
        try (PacketOpener opener = suite.newOpener(key)) {
            if (Runtime.version().feature() >= 21) {
                assertInstanceOf(SunJceChaChaOpener.class, opener);
            } else {
                assertInstanceOf(BouncyCastleChaChaOpener.class, opener);
            }
        }
    }

    @Test
    void sealsTheRfc8439Section282Vector() {
        byte[] buf = concat(RFC_AAD, RFC_PLAIN, new byte[TAG]);
        try (SunJceChaChaSealer sealer = new SunJceChaChaSealer(RFC_KEY)) {
            assertEquals(RFC_SEALED.length, sealer.seal(RFC_NONCE, buf, 0, RFC_AAD.length, RFC_AAD.length, RFC_PLAIN.length));
        }
        assertArrayEquals(RFC_SEALED, Arrays.copyOfRange(buf, RFC_AAD.length, buf.length));
    }

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void opensTheRfc8439Section282Vector(OpenerKind kind) {
        byte[] buf = concat(RFC_AAD, RFC_SEALED);
        try (PacketOpener opener = kind.create(RFC_KEY)) {
            assertEquals(RFC_PLAIN.length, kind.open(opener, RFC_NONCE, buf, 0, RFC_AAD.length, RFC_AAD.length, RFC_SEALED.length));
        }
        assertArrayEquals(RFC_PLAIN, Arrays.copyOfRange(buf, RFC_AAD.length, RFC_AAD.length + RFC_PLAIN.length));
    }

    /**
     * RFC 8439 appendix A.5: its nonce 00000000 0102030405060708 is exactly our layout for counter
     * 0x0807060504030201, so this vector goes through the public API.
     */
    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void opensTheRfc8439AppendixA5VectorByCounter(OpenerKind kind) {
        byte[] k = Hex.bytes("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
        byte[] aad = Hex.bytes("f33388860000000000004e91");
        byte[] sealed = Hex.bytes(
                "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
                + "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
                + "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
                + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
                + "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
                + "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
                + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
                + "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
                + "a6ad5cb4022b02709b"
                + "eead9d67890cbb22392336fea1851f38");
        String plain = "Internet-Drafts are draft documents valid for a maximum of six months and may be updated,"
                + " replaced, or obsoleted by other documents at any time. It is inappropriate to use Internet-Drafts"
                + " as reference material or to cite them other than as /\u201cwork in progress./\u201d";

        byte[] buf = concat(aad, sealed);
        int length;
        try (PacketOpener opener = kind.create(k)) {
            length = opener.open(0x0807060504030201L, buf, 0, aad.length, aad.length, sealed.length);
        }
        assertEquals(plain, new String(buf, aad.length, length, StandardCharsets.UTF_8));

        byte[] resealed = concat(aad, plain.getBytes(StandardCharsets.UTF_8), new byte[TAG]);
        try (PacketSealer sealer = suite.newSealer(k)) {
            sealer.seal(0x0807060504030201L, resealed, 0, aad.length, aad.length, length);
        }
        assertArrayEquals(concat(aad, sealed), resealed);
    }

    @ParameterizedTest
    @CsvSource({"SUNJCE, 0", "SUNJCE, 1", "SUNJCE, 63", "SUNJCE, 64", "SUNJCE, 65", "SUNJCE, 1400", "SUNJCE, 65000",
            "BOUNCY_CASTLE, 0", "BOUNCY_CASTLE, 1", "BOUNCY_CASTLE, 63", "BOUNCY_CASTLE, 64", "BOUNCY_CASTLE, 65",
            "BOUNCY_CASTLE, 1400", "BOUNCY_CASTLE, 65000"})
    void roundTripsInPlace(OpenerKind kind, int length) {
        byte[] buf = packet(length);
        byte[] original = buf.clone();
        try (PacketSealer sealer = suite.newSealer(key); PacketOpener opener = kind.create(key)) {
            assertEquals(length + TAG, sealer.seal(7, buf, 0, HEADER, HEADER, length));
            assertEquals(length, opener.open(7, buf, 0, HEADER, HEADER, length + TAG));
        }
        assertArrayEquals(Arrays.copyOf(original, HEADER + length), Arrays.copyOf(buf, HEADER + length));
    }

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void opensManyPacketsInARow(OpenerKind kind) {
        try (PacketSealer sealer = suite.newSealer(key); PacketOpener opener = kind.create(key)) {
            for (int counter = 0; counter < 200; counter++) {
                int length = counter * 7;
                byte[] buf = packet(length);
                sealer.seal(counter, buf, 0, HEADER, HEADER, length);
                assertEquals(length, opener.open(counter, buf, 0, HEADER, HEADER, length + TAG));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"SUNJCE, 0", "SUNJCE, 19", "SUNJCE, 121", "BOUNCY_CASTLE, 0", "BOUNCY_CASTLE, 19", "BOUNCY_CASTLE, 121"})
    void rejectsAFlippedBitInAadCiphertextOrTag(OpenerKind kind, int position) {
        byte[] buf = sealedPacket(42, 100);
        buf[position] ^= 0x10;
        try (PacketOpener opener = kind.create(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void rejectsTheWrongCounterAndTheWrongKey(OpenerKind kind) {
        byte[] otherKey = key.clone();
        otherKey[31] ^= 1;
        try (PacketOpener opener = kind.create(key); PacketOpener otherOpener = kind.create(otherKey)) {
            assertEquals(-1, opener.open(43, sealedPacket(42, 100), 0, HEADER, HEADER, 100 + TAG));
            assertEquals(-1, otherOpener.open(42, sealedPacket(42, 100), 0, HEADER, HEADER, 100 + TAG));
        }
    }

    @ParameterizedTest
    @CsvSource({"SUNJCE, 0", "SUNJCE, 15", "SUNJCE, 16", "SUNJCE, 115",
            "BOUNCY_CASTLE, 0", "BOUNCY_CASTLE, 15", "BOUNCY_CASTLE, 16", "BOUNCY_CASTLE, 115"})
    void rejectsTruncatedPackets(OpenerKind kind, int length) {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = kind.create(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, length));
        }
    }

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void rejectsRangesOutsideTheBuffer(OpenerKind kind) {
        byte[] buf = sealedPacket(42, 100);
        try (PacketOpener opener = kind.create(key)) {
            assertEquals(-1, opener.open(42, buf, 0, HEADER, HEADER, buf.length));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, -1, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, -1, HEADER, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, 0, -1, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, buf.length, 1, HEADER, 100 + TAG));
            assertEquals(-1, opener.open(42, buf, 0, HEADER, Integer.MAX_VALUE, 100 + TAG));
            assertEquals(-1, opener.open(42, null, 0, HEADER, HEADER, 100 + TAG));
        }
    }

    /** The reason for the BouncyCastle opener: a forgery must not block the genuine packet with its counter. */
    @Test
    void opensTheGenuinePacketAfterAForgeryWithTheSameCounterOnThisJdk() {
        try (PacketOpener opener = suite.newOpener(key)) {
            assertForgeryDoesNotBlockTheGenuinePacket(opener);
        }
    }

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void eachOpenerSurvivesAForgeryWhereItIsUsed(OpenerKind kind) {
        assumeTrue(kind == OpenerKind.BOUNCY_CASTLE || Runtime.version().feature() >= 21,
                "SunJCE opens ChaCha20-Poly1305 only from JDK 21");
        try (PacketOpener opener = kind.create(key)) {
            assertForgeryDoesNotBlockTheGenuinePacket(opener);
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

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void closedOpenerRejectsEverything(OpenerKind kind) {
        byte[] buf = sealedPacket(3, 50);
        PacketOpener opener = kind.create(key);
        opener.close();
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + TAG));
    }

    /** After close the key is all zeros inside the opener; a packet sealed with zeros must still fail. */
    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void closedOpenerRejectsPacketsSealedWithTheZeroKey(OpenerKind kind) {
        byte[] buf = packet(50);
        try (PacketSealer zeroSealer = suite.newSealer(new byte[32])) {
            zeroSealer.seal(3, buf, 0, HEADER, HEADER, 50);
        }
        PacketOpener opener = kind.create(key);
        opener.close();
        assertEquals(-1, opener.open(3, buf, 0, HEADER, HEADER, 50 + TAG));
    }

    @Test
    void closedSealerRefuses() {
        PacketSealer sealer = suite.newSealer(key);
        sealer.close();
        assertThrows(IllegalStateException.class, () -> sealer.seal(4, packet(50), 0, HEADER, HEADER, 50));
    }

    @ParameterizedTest
    @EnumSource(OpenerKind.class)
    void copiesTheKey(OpenerKind kind) {
        byte[] sealerKey = key.clone();
        byte[] openerKey = key.clone();
        byte[] buf = packet(20);
        try (PacketSealer sealer = suite.newSealer(sealerKey); PacketOpener opener = kind.create(openerKey)) {
            Arrays.fill(sealerKey, (byte) 0);
            Arrays.fill(openerKey, (byte) 0);
            sealer.seal(1, buf, 0, HEADER, HEADER, 20);
            assertEquals(20, opener.open(1, buf, 0, HEADER, HEADER, 20 + TAG));
        }
    }

    private void assertForgeryDoesNotBlockTheGenuinePacket(PacketOpener opener) {
        byte[] genuine = sealedPacket(9, 100);
        byte[] forged = genuine.clone();
        forged[HEADER + 50] ^= 1;
        assertEquals(-1, opener.open(9, forged, 0, HEADER, HEADER, 100 + TAG));
        assertEquals(100, opener.open(9, genuine, 0, HEADER, HEADER, 100 + TAG));
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
