package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Published test vectors for the primitives the handshake is built from. */
class CryptoVectorsTest {

    @Test
    void x25519ScalarMultiplicationMatchesRfc7748Section52() throws HandshakeException {
        byte[] scalar = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertArrayEquals(hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
                StaticIdentity.fromPrivateKey(scalar).agree(u));
    }

    @Test
    void x25519KeyAgreementMatchesRfc7748Section61() throws HandshakeException {
        StaticIdentity alice = StaticIdentity.fromPrivateKey(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        StaticIdentity bob = StaticIdentity.fromPrivateKey(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        assertArrayEquals(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), alice.publicKey());
        assertArrayEquals(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), bob.publicKey());
        byte[] shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertArrayEquals(shared, alice.agree(bob.publicKey()));
        assertArrayEquals(shared, bob.agree(alice.publicKey()));
    }

    @Test
    void x25519RejectsLowOrderPoints() {
        StaticIdentity identity = StaticIdentity.generate();
        HandshakeException zero = assertThrows(HandshakeException.class, () -> identity.agree(new byte[32]));
        assertEquals(HandshakeException.BAD_KEY, zero.reason());
        byte[] one = new byte[32];
        one[0] = 1;
        assertThrows(HandshakeException.class, () -> identity.agree(one));
    }

    @Test
    void fromPrivateKeyClampsAndCopies() {
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, (byte) 0xFF);
        StaticIdentity identity = StaticIdentity.fromPrivateKey(raw);
        byte[] clamped = identity.privateKey();
        assertEquals(0xF8, clamped[0] & 0xFF);
        assertEquals(0x7F, clamped[31] & 0xFF);
        assertEquals((byte) 0xFF, raw[0], "the caller's array is untouched");
        clamped[1] = 0;
        assertEquals((byte) 0xFF, identity.privateKey()[1], "privateKey() returns a copy");
    }

    @Test
    void blake2sMatchesRfc7693AppendixB() {
        assertArrayEquals(hex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"),
                NoiseCrypto.hash("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void hmacBlake2sMatchesPythonHmacWithHashlibBlake2s() {
        // hmac.new(b"key", b"The quick brown fox", hashlib.blake2s).hexdigest()
        assertArrayEquals(hex("8717096fc5e7ac53d11d990acd4380c9ddd7bd8da5d8b5bc29855e6c98a866a4"),
                NoiseCrypto.hmac("key".getBytes(StandardCharsets.US_ASCII),
                        "The quick brown fox".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void kdfChainsOutputsAsInNoise() {
        byte[] key = Fixtures.bytes(1, 32);
        byte[] input = Fixtures.bytes(100, 7);
        byte[][] out = NoiseCrypto.kdf(key, input, 3);
        byte[] prk = NoiseCrypto.hmac(key, input);
        byte[] first = NoiseCrypto.hmac(prk, new byte[] {1});
        byte[] second = NoiseCrypto.hmac(prk, first, new byte[] {2});
        assertArrayEquals(first, out[0]);
        assertArrayEquals(second, out[1]);
        assertArrayEquals(NoiseCrypto.hmac(prk, second, new byte[] {3}), out[2]);
    }

    @Test
    void xchacha20Poly1305MatchesDraftIrtfCfrgXchacha03SectionA31() throws HandshakeException {
        byte[] key = Fixtures.bytes(0x80, 32);
        byte[] nonce = Fixtures.bytes(0x40, 24);
        byte[] ad = hex("50515253c0c1c2c3c4c5c6c7");
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = hex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39"
                + "ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c"
                + "97637da9768812f615c68b13b52e" + "c0875924c1c7987947deafd8780acf49");
        assertArrayEquals(sealed, NoiseCrypto.xseal(key, nonce, plaintext, ad));
        assertArrayEquals(plaintext, NoiseCrypto.xopen(key, nonce, sealed, 0, sealed.length, ad));
        sealed[sealed.length - 1] ^= 1;
        Fixtures.assertReason(HandshakeException.DECRYPT_FAILED, () -> NoiseCrypto.xopen(key, nonce, sealed, 0, sealed.length, ad));
    }
}
