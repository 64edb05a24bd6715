package io.netproxy.engine.protocol;

import java.nio.charset.StandardCharsets;

import org.bouncycastle.util.Arrays;

/**
 * mac1 of WireGuard: keyed BLAKE2s-128 over the message up to mac1, keyed with
 * {@code HASH("mac1----" || receiver's static public key)}. Anyone who knows the receiver's public key can
 * compute it, so it proves nothing about the sender; it lets the receiver drop stray and forged traffic
 * before spending a Diffie-Hellman on it. Immutable and thread-safe.
 */
final class Mac1 {
    private static final byte[] LABEL = "mac1----".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;

    Mac1(byte[] receiverStaticPublicKey) {
        this.key = NoiseCrypto.hash(LABEL, receiverStaticPublicKey);
    }

    /** Writes mac1 of {@code buf[0 .. mac1Offset)} at {@code mac1Offset}. */
    void write(byte[] buf, int mac1Offset) {
        System.arraycopy(NoiseCrypto.mac(key, buf, 0, mac1Offset), 0, buf, mac1Offset, Messages.MAC_LENGTH);
    }

    /** Whether the mac1 at {@code buf[off + mac1Offset]} matches; constant time. */
    boolean valid(byte[] buf, int off, int mac1Offset) {
        byte[] expected = NoiseCrypto.mac(key, buf, off, mac1Offset);
        return Arrays.constantTimeAreEqual(Messages.MAC_LENGTH, expected, 0, buf, off + mac1Offset);
    }
}
