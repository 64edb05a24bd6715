package io.netproxy.engine.protocol;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Arrays;

/**
 * The primitives of Noise_*_25519_ChaChaPoly_BLAKE2s (Noise spec section 12 and WireGuard's KDF), through
 * BouncyCastle's lightweight API. Stateless; every call makes its own engine objects, so it is thread-safe.
 */
final class NoiseCrypto {
    static final int HASH_LENGTH = 32;
    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;
    static final int MAC_LENGTH = 16;
    static final int DH_LENGTH = X25519.POINT_SIZE;
    /** XChaCha20-Poly1305's nonce: long enough to be drawn at random for every message under one key. */
    static final int XNONCE_LENGTH = 24;
    private static final byte[] ZERO_NONCE = new byte[12];

    private NoiseCrypto() {
    }

    /** BLAKE2s-256 of the concatenation of the parts. */
    static byte[] hash(byte[]... parts) {
        Blake2sDigest digest = new Blake2sDigest(HASH_LENGTH * 8);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** Keyed BLAKE2s-128 over {@code data[off .. off+len)}: the mac1 construction. */
    static byte[] mac(byte[] key, byte[] data, int off, int len) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(data, off, len);
        byte[] out = new byte[MAC_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** HMAC-BLAKE2s (RFC 2104 with a 64-byte block), the building block of the KDF. */
    static byte[] hmac(byte[] key, byte[]... parts) {
        HMac hmac = new HMac(new Blake2sDigest(HASH_LENGTH * 8));
        hmac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            hmac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        hmac.doFinal(out, 0);
        return out;
    }

    /**
     * Noise's HKDF: {@code t0 = HMAC(key, input); t1 = HMAC(t0, 0x01); ti = HMAC(t0, t(i-1) || i)}.
     * Returns {@code t1 .. tn}, each 32 bytes.
     */
    static byte[][] kdf(byte[] key, byte[] input, int outputs) {
        byte[] prk = hmac(key, input);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            out[i] = hmac(prk, previous, new byte[] {(byte) (i + 1)});
            previous = out[i];
        }
        Arrays.fill(prk, (byte) 0);
        return out;
    }

    /** X25519; rejects an all-zero result, which only a low-order peer point produces. */
    static byte[] dh(byte[] privateKey, byte[] peerPublicKey) throws HandshakeException {
        byte[] shared = new byte[DH_LENGTH];
        if (!X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0)) {
            throw new HandshakeException(HandshakeException.BAD_KEY);
        }
        return shared;
    }

    /** ChaCha20-Poly1305 with nonce 0 (each handshake key encrypts exactly one message). */
    static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
        return seal(new ChaCha20Poly1305(), key, ZERO_NONCE, plaintext, associatedData);
    }

    /** Opens {@code buf[off .. off+len)} (ciphertext and tag) sealed by {@link #seal}. */
    static byte[] open(byte[] key, byte[] buf, int off, int len, byte[] associatedData) throws HandshakeException {
        return open(new ChaCha20Poly1305(), key, ZERO_NONCE, buf, off, len, associatedData);
    }

    /** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) with a 24-byte nonce: the cookie reply's encryption. */
    static byte[] xseal(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
        return seal(new XChaCha20Poly1305(), key, nonce, plaintext, associatedData);
    }

    /** Opens {@code buf[off .. off+len)} (ciphertext and tag) sealed by {@link #xseal}. */
    static byte[] xopen(byte[] key, byte[] nonce, byte[] buf, int off, int len, byte[] associatedData)
            throws HandshakeException {
        return open(new XChaCha20Poly1305(), key, nonce, buf, off, len, associatedData);
    }

    private static byte[] seal(ChaCha20Poly1305 aead, byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
        aead.init(true, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, associatedData));
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        int written = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            aead.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("sealing cannot fail", e);
        }
        return out;
    }

    private static byte[] open(ChaCha20Poly1305 aead, byte[] key, byte[] nonce, byte[] buf, int off, int len,
                               byte[] associatedData) throws HandshakeException {
        if (len < TAG_LENGTH) throw new HandshakeException(HandshakeException.DECRYPT_FAILED);
        aead.init(false, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, associatedData));
        byte[] out = new byte[len - TAG_LENGTH];
        int written = aead.processBytes(buf, off, len, out, 0);
        try {
            aead.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            throw new HandshakeException(HandshakeException.DECRYPT_FAILED);
        }
        return out;
    }
}
