package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.api.PacketSealer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;

/** Seals one direction of one session with SunJCE's ChaCha20-Poly1305. */
final class SunJceChaChaSealer implements PacketSealer {
    private final SunJceChaCha20Poly1305 aead;
    private final byte[] nonce = new byte[CounterNonce.LENGTH];

    SunJceChaChaSealer(byte[] key) {
        this.aead = new SunJceChaCha20Poly1305(key);
    }

    @Override
    public int seal(long counter, byte[] buf, int aadOff, int aadLen, int off, int len) {
        CounterNonce.write(counter, nonce);
        return seal(nonce, buf, aadOff, aadLen, off, len);
    }

    /** Seals with an explicit nonce; lets tests use published vectors whose nonces are not counters. */
    int seal(byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
        try {
            Cipher cipher = aead.init(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(buf, aadOff, aadLen);
            return cipher.doFinal(buf, off, len, buf, off);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("no room for the " + SunJceChaCha20Poly1305.TAG_LENGTH + "-byte tag", e);
        } catch (GeneralSecurityException e) {
            // A repeated counter lands here: a caller bug, never a property of the data.
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    @Override
    public void close() {
        aead.close();
    }
}
