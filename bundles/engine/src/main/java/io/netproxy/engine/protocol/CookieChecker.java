package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Messages.COOKIE_ENCRYPTED_OFFSET;
import static io.netproxy.engine.protocol.Messages.COOKIE_NONCE_LENGTH;
import static io.netproxy.engine.protocol.Messages.COOKIE_NONCE_OFFSET;
import static io.netproxy.engine.protocol.Messages.COOKIE_RECEIVER_OFFSET;
import static io.netproxy.engine.protocol.Messages.COOKIE_REPLY_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_SENDER_OFFSET;
import static io.netproxy.engine.protocol.Messages.MAC_LENGTH;
import static io.netproxy.engine.protocol.Messages.TYPE_COOKIE;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.util.Arrays;

/**
 * The responder's half of cookies (WireGuard's section 5.4.7): a random secret replaced every two minutes, the
 * cookie {@code MAC(secret, source address)}, mac2 checks and cookie replies. Only the current secret counts, so a
 * cookie is good for at most two minutes. Thread-safe: the engine's reader threads call it concurrently.
 */
final class CookieChecker {
    static final long SECRET_LIFETIME_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.COOKIE_LIFETIME_MILLIS);
    private static final byte[] LABEL = "cookie--".getBytes(StandardCharsets.US_ASCII);
    private static final int SECRET_LENGTH = 32;

    private final byte[] encryptionKey;
    private final SecureRandom random;
    /** Null until the first cookie reply; replaced whole, never changed in place. */
    private volatile Secret secret;

    private record Secret(byte[] key, long bornNanos) {
    }

    /** @param ownStaticPublicKey the responder's static public key: the reply's encryption key derives from it */
    CookieChecker(byte[] ownStaticPublicKey, SecureRandom random) {
        this.encryptionKey = encryptionKey(ownStaticPublicKey);
        this.random = random;
    }

    /** {@code HASH("cookie--" || responder's static public key)}: both sides derive it. */
    static byte[] encryptionKey(byte[] responderStaticPublicKey) {
        return NoiseCrypto.hash(LABEL, responderStaticPublicKey);
    }

    /** The mac2 of the initiation (type 1 or 7) at {@code buf[off]}, whose mac1 was checked, against the cookie of {@code source}. */
    Responder.Mac2Check check(byte[] buf, int off, byte[] source, long nowNanos) {
        int mac2Offset = Messages.mac2Offset(Messages.initiationLength(buf, off));
        if (Mac2.isUnset(buf, off + mac2Offset)) return Responder.Mac2Check.MISSING;
        Secret current = secret;
        if (current == null || nowNanos - current.bornNanos() >= SECRET_LIFETIME_NANOS) {
            return Responder.Mac2Check.INVALID;
        }
        byte[] cookie = NoiseCrypto.mac(current.key(), source, 0, source.length);
        byte[] expected = NoiseCrypto.mac(cookie, buf, off, mac2Offset);
        return Arrays.constantTimeAreEqual(MAC_LENGTH, expected, 0, buf, off + mac2Offset)
                ? Responder.Mac2Check.VALID : Responder.Mac2Check.INVALID;
    }

    /** A cookie reply (type 3) to the initiation (type 1 or 7) at {@code buf[off]}, whose mac1 was checked, from {@code source}. */
    byte[] reply(byte[] buf, int off, byte[] source, long nowNanos) {
        byte[] nonce = new byte[COOKIE_NONCE_LENGTH];
        random.nextBytes(nonce);
        return reply(buf, off, source, currentSecret(nowNanos), nonce);
    }

    /** Known-answer tests fix the secret and the nonce. */
    byte[] reply(byte[] buf, int off, byte[] source, byte[] secretKey, byte[] nonce) {
        byte[] cookie = NoiseCrypto.mac(secretKey, source, 0, source.length);
        int mac1Offset = Messages.mac1Offset(Messages.initiationLength(buf, off));
        byte[] mac1 = java.util.Arrays.copyOfRange(buf, off + mac1Offset, off + mac1Offset + MAC_LENGTH);
        byte[] message = new byte[COOKIE_REPLY_LENGTH];
        message[0] = TYPE_COOKIE;
        System.arraycopy(buf, off + INITIATION_SENDER_OFFSET, message, COOKIE_RECEIVER_OFFSET, 4);
        System.arraycopy(nonce, 0, message, COOKIE_NONCE_OFFSET, COOKIE_NONCE_LENGTH);
        // Bound to this one initiation by its mac1: whoever did not see it cannot make a reply the initiator accepts.
        byte[] encrypted = NoiseCrypto.xseal(encryptionKey, nonce, cookie, mac1);
        System.arraycopy(encrypted, 0, message, COOKIE_ENCRYPTED_OFFSET, encrypted.length);
        return message;
    }

    private byte[] currentSecret(long nowNanos) {
        Secret current = secret;
        if (current == null || nowNanos - current.bornNanos() >= SECRET_LIFETIME_NANOS) {
            synchronized (this) {
                current = secret;
                if (current == null || nowNanos - current.bornNanos() >= SECRET_LIFETIME_NANOS) {
                    byte[] key = new byte[SECRET_LENGTH];
                    random.nextBytes(key);
                    // The old secret is not wiped: another reader thread may be computing a cookie with it, and it
                    // only guards against spoofed sources, it protects no traffic.
                    current = new Secret(key, nowNanos);
                    secret = current;
                }
            }
        }
        return current.key();
    }

    /** The source address a cookie is bound to: the IPv4 (4 bytes) or IPv6 (16) address, then the port, big-endian. */
    static byte[] source(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] out = java.util.Arrays.copyOf(ip, ip.length + 2);
        out[ip.length] = (byte) (address.getPort() >>> 8);
        out[ip.length + 1] = (byte) address.getPort();
        return out;
    }
}
