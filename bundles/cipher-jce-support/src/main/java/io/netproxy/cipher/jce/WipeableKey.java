package io.netproxy.cipher.jce;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw secret key whose bytes can be wiped, which {@link javax.crypto.spec.SecretKeySpec} does not allow.
 * Providers only ever see clones from {@link #getEncoded()}.
 */
final class WipeableKey implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final byte[] bytes;
    private volatile boolean destroyed;

    /** Copies {@code bytes}; the caller wipes its own copy. */
    WipeableKey(String algorithm, byte[] bytes) {
        this.algorithm = algorithm;
        this.bytes = bytes.clone();
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return bytes.clone();
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }
}
