package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.api.PacketOpener;
import io.netproxy.cipher.jce.CounterNonce;
import io.netproxy.cipher.jce.PacketBounds;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Opens one direction of one session with BouncyCastle's lightweight ChaCha20-Poly1305; every bad packet
 * yields -1. For JDKs before 21, whose SunJCE refuses to re-initialise for decryption with the nonce it just
 * saw: there one forged packet carrying counter N would make the genuine packet N unopenable.
 */
final class BouncyCastleChaChaOpener implements PacketOpener {
    private static final int KEY_LENGTH = ChaCha20Poly1305Suite.SPEC.keyLength();
    private static final int TAG_LENGTH = ChaCha20Poly1305Suite.SPEC.tagLength();

    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private final KeyParameter key;
    private final byte[] nonce = new byte[CounterNonce.LENGTH];
    /** The ciphertext, copied out: decrypting onto itself makes BouncyCastle allocate a copy per packet. */
    private byte[] ciphertext = new byte[0];
    private volatile boolean closed;

    /** Copies {@code key}; the caller wipes its own copy. */
    BouncyCastleChaChaOpener(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 needs a " + KEY_LENGTH + "-byte key, got " + key.length);
        }
        this.key = new KeyParameter(key);
    }

    @Override
    public int open(long counter, byte[] buf, int aadOff, int aadLen, int off, int len) {
        CounterNonce.write(counter, nonce);
        return open(nonce, buf, aadOff, aadLen, off, len);
    }

    /** Opens with an explicit nonce; lets tests use published vectors whose nonces are not counters. */
    int open(byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
        // A closed opener must not fall back to the all-zero key it was re-keyed with.
        if (closed || !PacketBounds.fit(buf, aadOff, aadLen, off, len, TAG_LENGTH)) {
            return -1;
        }
        if (ciphertext.length < len) {
            ciphertext = new byte[len];
        }
        System.arraycopy(buf, off, ciphertext, 0, len);
        aead.init(false, new ParametersWithIV(key, nonce));
        aead.processAADBytes(buf, aadOff, aadLen);
        int plain = aead.processBytes(ciphertext, 0, len, buf, off);
        try {
            return plain + aead.doFinal(buf, off + plain);
        } catch (InvalidCipherTextException e) {
            // A forged or corrupted packet; the bounds were checked above.
            return -1;
        }
    }

    /** Wipes our key copy and, by re-keying with it, BouncyCastle's. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Arrays.fill(key.getKey(), (byte) 0);
        aead.init(false, new ParametersWithIV(key, new byte[CounterNonce.LENGTH]));
    }
}
