package io.netproxy.engine.protocol;

/**
 * The protocol's timer and counter limits (PROTOCOL.md, "Timers"). The engine enforces them; they live
 * here so both sides of the wire agree on one set of numbers.
 */
public final class ProtocolTimers {
    /** Keepalive interval the server pushes when its configuration names none. */
    public static final int DEFAULT_KEEPALIVE_SECONDS = 10;
    /** The initiator starts a new handshake once its current session is this old. */
    public static final long REKEY_AFTER_MILLIS = 120_000;
    /** The initiator starts a new handshake once it has sent this many messages in one session. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** No side sends or accepts data with a session older than this; it is then erased. */
    public static final long REJECT_AFTER_MILLIS = 180_000;
    /** A handshake unanswered for this long is retried with a new ephemeral key and index. */
    public static final long REKEY_TIMEOUT_MILLIS = 5_000;
    /** A session is considered dead after this many keepalive intervals without any authenticated packet. */
    public static final int DEAD_AFTER_KEEPALIVE_INTERVALS = 3;
    /**
     * A side that received data and sent nothing back for this long sends a keepalive, so that a peer sending
     * one way still hears from it well within {@link #UNANSWERED_AFTER_MILLIS}.
     */
    public static final long PASSIVE_KEEPALIVE_MILLIS = 2_000;
    /**
     * The initiator handshakes again when data it sent has had no packet at all back for this long: the
     * responder restarted (and lost the session) or the path broke. Only data counts, not keepalives, so an
     * idle tunnel sends nothing more for it.
     */
    public static final long UNANSWERED_AFTER_MILLIS = 5_000;

    /** A server's cookie secret is replaced, and an initiator's cookie expires, after this long. */
    public static final long COOKIE_LIFETIME_MILLIS = 120_000;

    private ProtocolTimers() {
    }
}
