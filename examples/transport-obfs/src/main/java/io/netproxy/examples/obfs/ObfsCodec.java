package io.netproxy.examples.obfs;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire format: {@code nonce(16) | AES-256-CTR(key, nonce)[ length(2, big-endian) | datagram ] | padding}, where
 * the nonce and the padding (0..maxPadding bytes) are random for every datagram. Nothing of the datagram, its
 * length or its type byte is visible, and the size on the wire varies. There is no authentication: the tunnel
 * inside authenticates every message, and a datagram that does not decode (another key, garbage, a probe) is
 * dropped without an answer. One codec per thread: it keeps a cipher and buffers.
 */
final class ObfsCodec {
    static final int NONCE = 16;
    static final int LENGTH = 2;
    static final int HEADER = NONCE + LENGTH;
    static final int MAX_PADDING_LIMIT = 255;
    /** The largest UDP payload of IPv4. */
    static final int MAX_WIRE = 65_507;

    private final SecretKeySpec key;
    private final int maxPadding;
    private final Cipher cipher;
    private final SecureRandom random = new SecureRandom();
    private final byte[] nonce = new byte[NONCE];
    private final byte[] length = new byte[LENGTH];
    private final byte[] padding;

    /** @param maxPadding 0..{@value #MAX_PADDING_LIMIT}, checked by the transport */
    ObfsCodec(SecretKeySpec key, int maxPadding) {
        this.key = key;
        this.maxPadding = maxPadding;
        this.padding = new byte[maxPadding];
        try {
            this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES/CTR", e);
        }
    }

    /** The largest datagram that fits a UDP payload with the header and the most padding. */
    static int maxDatagram(int maxPadding) {
        return MAX_WIRE - HEADER - maxPadding;
    }

    /** Writes the obfuscated form of {@code in[off .. off+len)} to {@code out} from 0; returns its length. */
    int hide(byte[] in, int off, int len, byte[] out) throws GeneralSecurityException {
        random.nextBytes(nonce);
        random.nextBytes(padding);
        int paddingLength = maxPadding == 0 ? 0 : random.nextInt(maxPadding + 1);
        System.arraycopy(nonce, 0, out, 0, NONCE);
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
        length[0] = (byte) (len >>> 8);
        length[1] = (byte) len;
        cipher.update(length, 0, LENGTH, out, NONCE);
        cipher.doFinal(in, off, len, out, HEADER);
        System.arraycopy(padding, 0, out, HEADER + len, paddingLength);
        return HEADER + len + paddingLength;
    }

    /**
     * Decodes {@code wire[0 .. wireLength)} into {@code out} from {@code off}.
     *
     * @param room bytes of {@code out} free from {@code off}
     * @return the datagram's length, or -1 when the bytes are not a datagram of this key or it does not fit
     */
    int reveal(byte[] wire, int wireLength, byte[] out, int off, int room) throws GeneralSecurityException {
        if (wireLength < HEADER) return -1;
        cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(wire, 0, NONCE));
        cipher.update(wire, NONCE, LENGTH, length, 0);
        int datagram = ((length[0] & 0xff) << 8) | (length[1] & 0xff);
        if (datagram > wireLength - HEADER || datagram > room) return -1;
        cipher.doFinal(wire, HEADER, datagram, out, off);
        return datagram;
    }
}
