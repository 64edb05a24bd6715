package io.netproxy.cipher.aesgcm;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One SunJCE AES-256-GCM {@link Cipher} bound to one key and re-initialised for every packet.
 * Shared by the sealer and the opener; not thread-safe.
 */
final class SunJceAesGcm implements AutoCloseable {
    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int TAG_BITS = TAG_LENGTH * 8;

    private final Cipher cipher;
    private final WipeableKey key;

    /** Copies {@code key}; the caller wipes its own copy. */
    SunJceAesGcm(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-256-GCM needs a " + KEY_LENGTH + "-byte key, got " + key.length);
        }
        try {
            // Named explicitly: a provider registered ahead of SunJCE (such as BouncyCastle's) is far slower.
            this.cipher = Cipher.getInstance(TRANSFORMATION, "SunJCE");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunJCE " + TRANSFORMATION + " is unavailable", e);
        }
        this.key = new WipeableKey("AES", key);
    }

    /** Readies the cipher for one packet. SunJCE refuses to encrypt twice with one nonce. */
    Cipher init(int mode, byte[] nonce) throws GeneralSecurityException {
        // GCMParameterSpec is immutable, so one per packet is the only allocation JCE forces on us here.
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
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
        // SunJCE keeps the last key and its round keys until it is re-keyed, and wipes them then.
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new WipeableKey("AES", new byte[KEY_LENGTH]),
                    new GCMParameterSpec(TAG_BITS, new byte[CounterNonce.LENGTH]));
        } catch (GeneralSecurityException e) {
            // Cannot happen for a valid all-zero key; the real key is gone from our copy either way.
        }
    }
}
