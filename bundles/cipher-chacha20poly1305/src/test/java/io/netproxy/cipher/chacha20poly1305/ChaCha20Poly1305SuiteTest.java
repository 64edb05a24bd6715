package io.netproxy.cipher.chacha20poly1305;

import static io.netproxy.testkit.Packets.TAG;
import static io.netproxy.testkit.Packets.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import io.netproxy.cipher.jce.JceAeadOpener;
import io.netproxy.cipher.jce.JceAeadSealer;
import io.netproxy.testkit.Hex;
import io.netproxy.testkit.CipherSuiteContract;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Known answers for ChaCha20-Poly1305 with either opener, and the contract of every packet cipher through the
 * suite, with the opener this JDK gets ({@link OpenerContract} runs it with each opener on any JDK).
 */
class ChaCha20Poly1305SuiteTest extends CipherSuiteContract {
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

    private static final ChaCha20Poly1305Suite SUITE = new ChaCha20Poly1305Suite();

    ChaCha20Poly1305SuiteTest() {
        super(SUITE);
    }

    @Test
    void describesItself() {
        assertEquals("chacha20-poly1305", SUITE.name());
        assertEquals(1, SUITE.wireId());
        assertEquals(32, SUITE.keyLength());
        assertEquals(16, SUITE.tagLength());
    }

    @Test
    void opensWithSunJceFromJdk21AndWithBouncyCastleBefore() {
        try (PacketOpener opener = SUITE.newOpener(new byte[32])) {
            if (Runtime.version().feature() >= 21) {
                assertInstanceOf(JceAeadOpener.class, opener);
            } else {
                assertInstanceOf(BouncyCastleChaChaOpener.class, opener);
            }
        }
    }

    @Test
    void sealsTheRfc8439Section282Vector() {
        byte[] buf = concat(RFC_AAD, RFC_PLAIN, new byte[TAG]);
        try (JceAeadSealer sealer = new JceAeadSealer(ChaCha20Poly1305Suite.SPEC, RFC_KEY)) {
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
        try (PacketSealer sealer = SUITE.newSealer(k)) {
            sealer.seal(0x0807060504030201L, resealed, 0, aad.length, aad.length, length);
        }
        assertArrayEquals(concat(aad, sealed), resealed);
    }
}
