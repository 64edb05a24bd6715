package io.netproxy.cipher.jce;

import io.netproxy.api.PacketSealer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;

/** Seals one direction of one session with a SunJCE AEAD. */
public final class JceAeadSealer implements PacketSealer {
    private final JceAead aead;
    private final byte[] nonce = new byte[CounterNonce.LENGTH];

    /** Copies {@code key}; the caller wipes its own copy. */
    public JceAeadSealer(JceAeadSpec spec, byte[] key) {
        this.aead = new JceAead(spec, key);
    }

    @Override
    public int seal(long counter, byte[] buf, int aadOff, int aadLen, int off, int len) {
        CounterNonce.write(counter, nonce);
        return seal(nonce, buf, aadOff, aadLen, off, len);
    }

    /** Seals with an explicit nonce; lets tests use published vectors whose nonces are not counters. */
    public int seal(byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
        // Uncontended except when the session is being closed from another thread (see JceAead).
        synchronized (aead) {
            if (aead.isClosed()) throw new IllegalStateException(aead.spec().name() + " sealer is closed");
            return sealLocked(nonce, buf, aadOff, aadLen, off, len);
        }
    }

    private int sealLocked(byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
        try {
            Cipher cipher = aead.init(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(buf, aadOff, aadLen);
            return cipher.doFinal(buf, off, len, buf, off);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("no room for the " + aead.spec().tagLength() + "-byte tag", e);
        } catch (GeneralSecurityException e) {
            // A repeated counter lands here: a caller bug, never a property of the data.
            throw new IllegalStateException(aead.spec().name() + " seal failed", e);
        }
    }

    @Override
    public void close() {
        aead.close();
    }
}
