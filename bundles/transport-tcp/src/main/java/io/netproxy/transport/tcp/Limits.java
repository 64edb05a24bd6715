package io.netproxy.transport.tcp;

import java.time.Duration;

/**
 * What bounds a TCP endpoint's memory and connections, so that no peer, slow or hostile, can grow them.
 *
 * @param queuedBytes        bytes waiting to be sent to one peer beyond which data messages are dropped
 * @param handshakeRoomBytes bytes beyond {@code queuedBytes} kept for handshake messages; a peer that does not
 *                           read even those is stalled, and its connection is closed
 * @param firstFrameTimeout  how long an accepted connection may stay without a whole frame (half-open, a scan)
 * @param idleTimeout        how long a connection may stay without any frame; peers send keepalives far more often
 * @param perSource          connections one source address may hold on a server
 * @param total              connections a server holds at most
 * @param maxBackoff         the longest a client waits between two attempts to reconnect
 */
record Limits(int queuedBytes, int handshakeRoomBytes, Duration firstFrameTimeout, Duration idleTimeout,
              int perSource, int total, Duration maxBackoff) {
    static final Limits DEFAULTS = new Limits(256 * 1024, 64 * 1024, Duration.ofSeconds(10),
            Duration.ofSeconds(180), 16, 4096, Duration.ofSeconds(5));
}
