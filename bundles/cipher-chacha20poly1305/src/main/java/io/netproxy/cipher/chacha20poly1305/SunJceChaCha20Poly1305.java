package io.netproxy.cipher.chacha20poly1305;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * One SunJCE ChaCha20-Poly1305 {@link Cipher} bound to one key and re-initialised for every packet.
 * Shared by the SunJCE sealer and opener; not thread-safe.
 */
final class SunJceChaCha20Poly1305 implements AutoCloseable {
    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;

    private static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final String KEY_ALGORITHM = "ChaCha20";

    private final Cipher cipher;
    private final WipeableKey key;

    /** Copies {@code key}; the caller wipes its own copy. */
    SunJceChaCha20Poly1305(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 needs a " + KEY_LENGTH + "-byte key, got " + key.length);
        }
        try {
            // Named explicitly so that a provider registered ahead of SunJCE cannot take over the data path.
            this.cipher = Cipher.getInstance(TRANSFORMATION, "SunJCE");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunJCE " + TRANSFORMATION + " is unavailable", e);
        }
        this.key = new WipeableKey(KEY_ALGORITHM, key);
    }

    /** Readies the cipher for one packet. SunJCE refuses to encrypt twice with one nonce. */
    Cipher init(int mode, byte[] nonce) throws GeneralSecurityException {
        // IvParameterSpec is immutable, so one per packet is the only allocation JCE forces on us here.
        cipher.init(mode, key, new IvParameterSpec(nonce));
        return cipher;
    }

    boolean isClosed() {
        return key.isDestroyed();
    }

    /** Wipes our key copy and, best effort, SunJCE's. Idempotent. */
    @Override
    public void close() {
        if (key.isDestroyed()) {
            return;
        }
        key.destroy();
        // SunJCE keeps the last key until it is re-keyed, and wipes it then.
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new WipeableKey(KEY_ALGORITHM, new byte[KEY_LENGTH]),
                    new IvParameterSpec(new byte[CounterNonce.LENGTH]));
        } catch (GeneralSecurityException e) {
            // Cannot happen for a valid all-zero key; the real key is gone from our copy either way.
        }
    }
}
