package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Messages.COOKIE_ENCRYPTED_LENGTH;
import static io.netproxy.engine.protocol.Messages.COOKIE_ENCRYPTED_OFFSET;
import static io.netproxy.engine.protocol.Messages.COOKIE_NONCE_LENGTH;
import static io.netproxy.engine.protocol.Messages.COOKIE_NONCE_OFFSET;
import static io.netproxy.engine.protocol.Messages.MAC_LENGTH;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The initiator's cookie from a server under load (message type 3): while it is younger than two minutes, the
 * initiations it sends carry {@code mac2 = MAC(cookie, message up to mac2)}. A cookie is bound to the address the
 * server saw, so a tunnel keeps one jar per socket or connection it sends on. Thread-safe.
 */
public final class CookieJar {
    static final long LIFETIME_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.COOKIE_LIFETIME_MILLIS);

    private final byte[] decryptionKey;
    private byte[] cookie;
    private long receivedNanos;

    /** @param responderPublicKey the server's static public key (32 bytes) */
    public CookieJar(byte[] responderPublicKey) {
        this.decryptionKey = CookieChecker.encryptionKey(Initiator.requireKey(responderPublicKey, "responder public key"));
    }

    /**
     * Writes mac2 into an initiation when a cookie younger than two minutes is held, and says whether it did; leaves
     * the field as it was otherwise. {@link Initiator#initiation(long, CookieJar, long)} calls it; a caller that built
     * its initiations earlier (the handshake benchmark) calls it just before sending.
     */
    public synchronized boolean writeMac2(byte[] message, int mac2Offset, long nowNanos) {
        if (!holds(nowNanos)) return false;
        System.arraycopy(NoiseCrypto.mac(cookie, message, 0, mac2Offset), 0, message, mac2Offset, MAC_LENGTH);
        return true;
    }

    /** Stores the cookie of the reply at {@code buf[off]}, whose length, type and index were checked. */
    synchronized void consume(byte[] buf, int off, byte[] initiationMac1, long nowNanos) throws HandshakeException {
        byte[] nonce = Arrays.copyOfRange(buf, off + COOKIE_NONCE_OFFSET, off + COOKIE_NONCE_OFFSET + COOKIE_NONCE_LENGTH);
        cookie = NoiseCrypto.xopen(decryptionKey, nonce, buf, off + COOKIE_ENCRYPTED_OFFSET, COOKIE_ENCRYPTED_LENGTH,
                initiationMac1);
        receivedNanos = nowNanos;
    }

    /** Whether a cookie younger than two minutes is held. */
    public synchronized boolean holds(long nowNanos) {
        return cookie != null && nowNanos - receivedNanos < LIFETIME_NANOS;
    }

    /** Forgets the cookie: an initiation that carried it went unanswered, so the server may no longer take it. */
    public synchronized void forget() {
        cookie = null;
    }
}
