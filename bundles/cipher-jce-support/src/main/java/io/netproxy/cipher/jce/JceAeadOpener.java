package io.netproxy.cipher.jce;

import io.netproxy.api.PacketOpener;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/** Opens one direction of one session with a SunJCE AEAD; every bad packet yields -1. */
public final class JceAeadOpener implements PacketOpener {
    private final JceAead aead;
    private final byte[] nonce = new byte[CounterNonce.LENGTH];

    /** Copies {@code key}; the caller wipes its own copy. */
    public JceAeadOpener(JceAeadSpec spec, byte[] key) {
        this.aead = new JceAead(spec, key);
    }

    @Override
    public int open(long counter, byte[] buf, int aadOff, int aadLen, int off, int len) {
        CounterNonce.write(counter, nonce);
        return open(nonce, buf, aadOff, aadLen, off, len);
    }

    /** Opens with an explicit nonce; lets tests use published vectors whose nonces are not counters. */
    public int open(byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
        // Uncontended except when the session is being closed from another thread (see JceAead).
        synchronized (aead) {
            // A closed opener must not fall back to the all-zero key SunJCE was re-keyed with.
            if (aead.isClosed() || !PacketBounds.fit(buf, aadOff, aadLen, off, len, aead.spec().tagLength())) {
                return -1;
            }
            try {
                Cipher cipher = aead.init(Cipher.DECRYPT_MODE, nonce);
                cipher.updateAAD(buf, aadOff, aadLen);
                return cipher.doFinal(buf, off, len, buf, off);
            } catch (GeneralSecurityException e) {
                // AEADBadTagException for a forged or corrupted packet; the bounds were checked above.
                return -1;
            }
        }
    }

    @Override
    public void close() {
        aead.close();
    }
}
