package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.bytes;
import static io.netproxy.engine.protocol.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The cookie reply and mac2 of PROTOCOL.md section 13, for the initiation of {@link HandshakeKnownAnswerTest}. The
 * values were computed independently (Python's hashlib.blake2s and the cryptography package's ChaCha20-Poly1305 under
 * an HChaCha20 checked against draft-irtf-cfrg-xchacha-03), not by this code.
 */
class CookieKnownAnswerTest {
    private static final byte[] INITIATION = hex(HandshakeKnownAnswerTest.INITIATION);
    private static final byte[] SECRET = bytes(0x80, 32);
    private static final byte[] NONCE = bytes(0xa0, 24);
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.2", 51820);
    private static final String REPLY = "0300000044332211a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7"
            + "0e8b22c12f2f991fc4c0c6bb6663a535ce3f9263082b10f6bbd3b735b3611f00";
    private static final byte[] RESPONDER_PUBLIC = HandshakeKnownAnswerTest.RESPONDER_STATIC.publicKey();

    @Test
    void vectorInputsAreTheOnesDocumented() {
        assertArrayEquals(hex("5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b"), RESPONDER_PUBLIC);
        assertArrayEquals(hex("22eb1fa9c8b7476d065149c6960a079e"), mac1());
        assertArrayEquals(hex("17728e626505a9a7054fda9a980a5209fb72714de5d9e476848ec7214cc83713"),
                CookieChecker.encryptionKey(RESPONDER_PUBLIC));
    }

    @Test
    void sourceIsTheAddressThenThePortBigEndian() {
        assertArrayEquals(hex("c0000202ca6c"), CookieChecker.source(SOURCE));
        assertArrayEquals(hex("20010db80000000000000000000000011a6f"),
                CookieChecker.source(new InetSocketAddress("2001:db8::1", 6767)));
    }

    @Test
    void cookieIsAKeyedMacOfTheSource() {
        assertArrayEquals(hex("6116b6f5b31b676772c2385caec019be"),
                NoiseCrypto.mac(SECRET, CookieChecker.source(SOURCE), 0, 6));
        assertArrayEquals(hex("b21c790e9148021b13354fdb8e1ec41e"),
                NoiseCrypto.mac(SECRET, CookieChecker.source(new InetSocketAddress("2001:db8::1", 6767)), 0, 18));
    }

    @Test
    void replyMatchesTheVector() {
        CookieChecker checker = new CookieChecker(RESPONDER_PUBLIC, new SecureRandom());
        assertArrayEquals(hex(REPLY), checker.reply(INITIATION, 0, CookieChecker.source(SOURCE), SECRET, NONCE));
    }

    @Test
    void initiatorOpensTheReplyAndWritesTheVectorsMac2() throws HandshakeException {
        CookieJar jar = new CookieJar(RESPONDER_PUBLIC);
        jar.consume(hex(REPLY), 0, mac1(), 0);
        byte[] message = INITIATION.clone();
        jar.writeMac2(message, Messages.INITIATION_MAC2_OFFSET, 1);
        assertArrayEquals(hex("483b44eed4e2412f91c63949e98918ff"),
                Arrays.copyOfRange(message, Messages.INITIATION_MAC2_OFFSET, Messages.INITIATION_LENGTH));
    }

    private static byte[] mac1() {
        return Arrays.copyOfRange(INITIATION, Messages.INITIATION_MAC1_OFFSET, Messages.INITIATION_MAC2_OFFSET);
    }
}
