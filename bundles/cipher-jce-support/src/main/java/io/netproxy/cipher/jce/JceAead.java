package io.netproxy.cipher.jce;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * One SunJCE AEAD {@link Cipher} bound to one key and re-initialised for every packet.
 * Shared by the sealer and the opener; used by one thread at a time, except that {@link #close()} may come
 * from another thread (a session retired by a timer): users hold this object's monitor from {@code init} to
 * {@code doFinal}, and close takes it too, so a packet is never finished under the wiping key.
 */
final class JceAead implements AutoCloseable {
    /**
     * Named explicitly: a provider registered ahead of SunJCE (such as BouncyCastle's) is far slower for AES-GCM
     * and must not take over the data path.
     */
    private static final String PROVIDER = "SunJCE";

    private final JceAeadSpec spec;
    private final Cipher cipher;
    private final WipeableKey key;

    /** Copies {@code key}; the caller wipes its own copy. */
    JceAead(JceAeadSpec spec, byte[] key) {
        if (key.length != spec.keyLength()) {
            throw new IllegalArgumentException(
                    spec.name() + " needs a " + spec.keyLength() + "-byte key, got " + key.length);
        }
        try {
            this.cipher = Cipher.getInstance(spec.transformation(), PROVIDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(PROVIDER + " " + spec.transformation() + " is unavailable", e);
        }
        this.spec = spec;
        this.key = new WipeableKey(spec.keyAlgorithm(), key);
    }

    JceAeadSpec spec() {
        return spec;
    }

    /** Readies the cipher for one packet. SunJCE refuses to encrypt twice with one nonce. */
    Cipher init(int mode, byte[] nonce) throws GeneralSecurityException {
        // Parameter specs are immutable, so one per packet is the only allocation JCE forces on us here.
        cipher.init(mode, key, spec.parameters().apply(nonce));
        return cipher;
    }

    boolean isClosed() {
        return key.isDestroyed();
    }

    /** Wipes our key copy and, best effort, SunJCE's. Idempotent. */
    @Override
    public synchronized void close() {
        if (key.isDestroyed()) {
            return;
        }
        key.destroy();
        // SunJCE keeps the last key (and for AES its round keys) until it is re-keyed, and wipes them then.
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new WipeableKey(spec.keyAlgorithm(), new byte[spec.keyLength()]),
                    spec.parameters().apply(new byte[CounterNonce.LENGTH]));
        } catch (GeneralSecurityException e) {
            // Cannot happen for a valid all-zero key; the real key is gone from our copy either way.
        }
    }
}
