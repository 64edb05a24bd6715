package io.netproxy.cipher.aesgcm;

import static io.netproxy.testkit.Packets.TAG;
import static io.netproxy.testkit.Packets.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import io.netproxy.cipher.jce.JceAeadOpener;
import io.netproxy.cipher.jce.JceAeadSealer;
import io.netproxy.testkit.Hex;
import io.netproxy.testkit.CipherSuiteContract;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Known answers for AES-256-GCM, and the contract of every packet cipher through the suite. */
class AesGcmSuiteTest extends CipherSuiteContract {
    private static final AesGcmSuite SUITE = new AesGcmSuite();

    AesGcmSuiteTest() {
        super(SUITE);
    }

    @Test
    void describesItself() {
        assertEquals("aes-256-gcm", SUITE.name());
        assertEquals(2, SUITE.wireId());
        assertEquals(32, SUITE.keyLength());
        assertEquals(16, SUITE.tagLength());
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
        try (JceAeadSealer sealer = new JceAeadSealer(AesGcmSuite.SPEC, k)) {
            assertEquals(sealed.length, sealer.seal(iv, buf, 0, aad.length, aad.length, plain.length));
        }
        assertArrayEquals(sealed, Arrays.copyOfRange(buf, aad.length, buf.length));

        try (JceAeadOpener opener = new JceAeadOpener(AesGcmSuite.SPEC, k)) {
            assertEquals(plain.length, opener.open(iv, buf, 0, aad.length, aad.length, sealed.length));
        }
        assertArrayEquals(plain, Arrays.copyOfRange(buf, aad.length, aad.length + plain.length));
    }

    @Test
    void noncePutsTheCounterLittleEndianAfterFourZeroBytes() {
        byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] byCounter = new byte[64];
        byte[] byNonce = new byte[64];
        try (PacketSealer counterSealer = SUITE.newSealer(key); JceAeadSealer nonceSealer = new JceAeadSealer(AesGcmSuite.SPEC, key)) {
            counterSealer.seal(0x0807060504030201L, byCounter, 0, 8, 8, 40);
            nonceSealer.seal(Hex.bytes("000000000102030405060708"), byNonce, 0, 8, 8, 40);
        }
        assertArrayEquals(byNonce, byCounter);
    }

    /** Test Case 14 (AES-256, zero key, zero IV): the nonce of counter 0, through the public API. */
    @Test
    void matchesGcmSpecTestCase14AtCounterZero() {
        byte[] sealed = Hex.bytes("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
        byte[] buf = new byte[32];
        try (PacketSealer sealer = SUITE.newSealer(new byte[32])) {
            assertEquals(32, sealer.seal(0, buf, 0, 0, 0, 16));
        }
        assertArrayEquals(sealed, buf);
        try (PacketOpener opener = SUITE.newOpener(new byte[32])) {
            assertEquals(16, opener.open(0, buf, 0, 0, 0, 32));
        }
        assertArrayEquals(new byte[16], Arrays.copyOf(buf, 16));
    }
}
