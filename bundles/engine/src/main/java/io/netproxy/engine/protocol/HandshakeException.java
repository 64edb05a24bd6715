package io.netproxy.engine.protocol;

/**
 * A handshake message was rejected. {@link #reason()} is a short, stable token usable as a counter name;
 * it never contains key material. No stack trace is captured because forged packets are cheap to send and
 * rejecting them must stay cheap too.
 */
public final class HandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The message has the wrong length for its type. */
    public static final String BAD_LENGTH = "bad-length";
    /** The type byte is not the expected one or a reserved byte is not zero. */
    public static final String BAD_TYPE = "bad-type";
    /** mac1 does not match: not meant for this key. */
    public static final String BAD_MAC1 = "bad-mac1";
    /**
     * An initiation to a server under load whose mac2 is neither zero nor valid for its source address (an expired
     * cookie, another address's, or forged); a response whose mac2 is not zero.
     */
    public static final String BAD_MAC2 = "bad-mac2";
    /** An initiation without mac2 to a server under load: answered with a cookie reply instead of a handshake. */
    public static final String MAC2_MISSING = "mac2-missing";
    /** A Diffie-Hellman result was all zeros: the peer sent a low-order point. */
    public static final String BAD_KEY = "bad-key";
    /** An AEAD tag did not verify. */
    public static final String DECRYPT_FAILED = "decrypt-failed";
    /** The initiator's static key is not an allowed one. */
    public static final String UNKNOWN_PEER = "unknown-peer";
    /** The decrypted payload is malformed. */
    public static final String BAD_PAYLOAD = "bad-payload";
    /** The timestamp is not newer than the newest one accepted from this initiator. */
    public static final String REPLAYED = "replayed";
    /** Password mode: the timestamp is too far from the responder's clock. */
    public static final String STALE_TIMESTAMP = "stale-timestamp";
    /** The response or cookie reply is addressed to another handshake. */
    public static final String WRONG_INDEX = "wrong-index";
    /** A response or cookie reply arrived while no initiation was outstanding. */
    public static final String UNEXPECTED_RESPONSE = "unexpected-response";

    /** Password mode: a parameters reply with non-zero reserved bytes or a server key on a low-order point. */
    public static final String BAD_PARAMETERS = "bad-parameters";

    /** Password mode: an initiation of key mode or of protocol v1 at a password-mode (v2) server. */
    public static final String PROTOCOL_V1 = "protocol-v1";

    /** Password mode: a response would give one more password guess than the server's budget allows. */
    public static final String PASSWORD_BUDGET = "password-budget";

    /** Password mode: the server's parameters name another static key than the one the client pinned. */
    public static final String NOT_PINNED = "not-pinned";

    private final String reason;

    public HandshakeException(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** A short token such as {@code bad-mac1}; see PROTOCOL.md for the list. */
    public String reason() {
        return reason;
    }
}
