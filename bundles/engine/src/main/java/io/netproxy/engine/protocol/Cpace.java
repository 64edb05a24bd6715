package io.netproxy.engine.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.hash2curve.impl.Elligator2MapToCurve;
import org.bouncycastle.math.ec.custom.djb.Curve25519;
import org.bouncycastle.util.BigIntegers;

/**
 * CPACE-X25519-SHA512 (draft-irtf-cfrg-cpace) as password mode uses it: initiator-responder order, no session
 * identifier and empty associated data. The primitives are BouncyCastle's (X25519, SHA-512, RFC 9380's Elligator 2);
 * this class is only the draft's framing, pinned by its test vectors (CpaceKnownAnswerTest).
 *
 * <p>Without a session identifier the generator depends on the password and the server's key alone, so it is computed
 * once per start or connect. That matters: the map is BigInteger arithmetic, not constant time, and a
 * password-dependent computation repeated per handshake would be a timing oracle (PROTOCOL.md 12).
 */
final class Cpace {
    static final byte[] DSI = ascii("CPace255");
    static final byte[] DSI_ISK = ascii("CPace255_ISK");
    /** The psk of the Noise handshake is {@code HASH(LABEL_PSK || ISK)}. */
    static final byte[] LABEL_PSK = ascii("netproxy v2 psk");
    /** SHA-512's input block: the generator string pads DSI and PRS to fill the first one. */
    private static final int SHA512_BLOCK = 128;
    private static final byte[] NO_SID = new byte[0];
    private static final byte[] NO_AD = new byte[0];
    /** curve25519 in Montgomery form: Elligator 2 with Z = 2, J = A = 486662, K = B = 1 (RFC 9380 6.7.1). */
    private static final BigInteger Z = BigInteger.TWO;
    private static final BigInteger J = BigInteger.valueOf(486662);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Cpace() {
    }

    /** The generator G for this password-related string and channel identifier, without a session identifier. */
    static byte[] generator(byte[] prs, byte[] channelIdentifier) {
        return generator(prs, channelIdentifier, NO_SID);
    }

    /** calculate_generator of the draft: SHA-512 of the generator string, decodeUCoordinate, Elligator 2. */
    static byte[] generator(byte[] prs, byte[] channelIdentifier, byte[] sid) {
        byte[] generatorString = generatorString(prs, channelIdentifier, sid);
        byte[] hash = sha512(generatorString);
        Arrays.fill(generatorString, (byte) 0);
        // decodeUCoordinate (RFC 7748): the first 32 bytes, little-endian, the top bit ignored
        byte[] bigEndianU = org.bouncycastle.util.Arrays.reverseInPlace(Arrays.copyOf(hash, 32));
        Arrays.fill(hash, (byte) 0);
        bigEndianU[0] &= 0x7F;
        // BouncyCastle's map returns the point in Montgomery coordinates, so its x is the u-coordinate X25519 takes
        // (the draft's generator vector pins this). Its BigIntegers cannot be wiped: a limit of the JVM.
        BigInteger x = new Elligator2MapToCurve(new Curve25519(), Z, J, BigInteger.ONE)
                .process(BigIntegers.fromUnsignedByteArray(bigEndianU))
                .normalize().getAffineXCoord().toBigInteger();
        Arrays.fill(bigEndianU, (byte) 0);
        return org.bouncycastle.util.Arrays.reverseInPlace(BigIntegers.asUnsignedByteArray(32, x));
    }

    /** {@code lv_cat(DSI, PRS, zero padding, CI, sid)}: DSI and PRS fill SHA-512's first block. */
    static byte[] generatorString(byte[] prs, byte[] channelIdentifier, byte[] sid) {
        int padding = Math.max(0, SHA512_BLOCK - 1 - leb128Length(prs.length) - prs.length - leb128Length(DSI.length)
                - DSI.length);
        return lvCat(DSI, prs, new byte[padding], channelIdentifier, sid);
    }

    /** sample_scalar of the draft: 32 random bytes (X25519 clamps them). */
    static byte[] sampleScalar() {
        byte[] scalar = new byte[NoiseCrypto.KEY_LENGTH];
        RANDOM.nextBytes(scalar);
        return scalar;
    }

    /** A party's share: {@code X25519(scalar, G)}. */
    static byte[] share(byte[] scalar, byte[] generator) throws HandshakeException {
        return NoiseCrypto.dh(scalar, generator);
    }

    /**
     * The intermediate session key of the initiator-responder order, from this side's scalar and the other side's
     * share; {@code K} is erased at once.
     *
     * @throws HandshakeException {@code bad-key} when the other share is a low-order point ({@code K} all zero)
     */
    static byte[] isk(byte[] scalar, byte[] otherShare, byte[] initiatorShare, byte[] responderShare)
            throws HandshakeException {
        byte[] k = NoiseCrypto.dh(scalar, otherShare);
        try {
            return isk(NO_SID, k, initiatorShare, NO_AD, responderShare, NO_AD);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** {@code SHA-512(lv_cat(DSI_ISK, sid, K) || lv_cat(Ya, ADa) || lv_cat(Yb, ADb))}. */
    static byte[] isk(byte[] sid, byte[] k, byte[] initiatorShare, byte[] initiatorAd, byte[] responderShare,
                      byte[] responderAd) {
        byte[] prefix = lvCat(DSI_ISK, sid, k);
        byte[] transcript = lvCat(initiatorShare, initiatorAd, responderShare, responderAd);
        try {
            return sha512(prefix, transcript);
        } finally {
            Arrays.fill(prefix, (byte) 0);
        }
    }

    /**
     * The responder's side of one exchange, from a fresh scalar (erased here): its share, and the psk from the
     * initiator's share.
     *
     * @throws HandshakeException {@code bad-key} when the initiator's share is a low-order point
     */
    static Answer answer(byte[] scalar, byte[] generator, byte[] initiatorShare) throws HandshakeException {
        try {
            byte[] share = share(scalar, generator);
            return new Answer(share, psk(isk(scalar, initiatorShare, initiatorShare, share)));
        } finally {
            Arrays.fill(scalar, (byte) 0);
        }
    }

    /** The responder's share and the psk of its response; {@link #wipe} once the response is built. */
    record Answer(byte[] share, byte[] psk) {
        void wipe() {
            Arrays.fill(psk, (byte) 0);
        }
    }

    /** The Noise psk of a password-mode handshake; {@code isk} is erased. */
    static byte[] psk(byte[] isk) {
        try {
            return NoiseCrypto.hash(LABEL_PSK, isk);
        } finally {
            Arrays.fill(isk, (byte) 0);
        }
    }

    /**
     * Each part prefixed with its length in LEB128, into one array and no other: the parts may be secret (PRS, K), and
     * the caller wipes what it gets.
     */
    static byte[] lvCat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) length += leb128Length(part.length) + part.length;
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            int remaining = part.length;
            do {
                int low = remaining & 0x7F;
                remaining >>>= 7;
                out[at++] = (byte) (remaining == 0 ? low : low | 0x80);
            } while (remaining != 0);
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static int leb128Length(int value) {
        int bytes = 1;
        while ((value >>>= 7) != 0) bytes++;
        return bytes;
    }

    private static byte[] sha512(byte[]... parts) {
        SHA512Digest digest = new SHA512Digest();
        for (byte[] part : parts) digest.update(part, 0, part.length);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
