package io.netproxy.transport.tcp;

/**
 * How datagrams travel on a TCP stream (PROTOCOL.md, "TCP transport"): each one is preceded by its length as a
 * 16-bit big-endian number, nothing else. A length of 0 or above {@link #MAX_DATAGRAM} is a protocol error that
 * closes the connection, since a reader cannot find the next frame after it.
 */
final class Framing {
    static final int HEADER_BYTES = 2;
    /** Room for a data message of a 9000-byte MTU with header and tag, and more for third-party cipher suites. */
    static final int MAX_DATAGRAM = 16_384;
    /** The first byte of a netproxy data message; every other type is part of a handshake. */
    private static final int DATA_MESSAGE_TYPE = 4;

    private Framing() {}

    /**
     * Whether a datagram belongs to a handshake, which a full queue never drops (a lost data packet is repaired by
     * the traffic inside the tunnel; a lost handshake message costs a retry, five seconds).
     */
    static boolean isHandshake(byte[] buf, int off, int len) {
        return len > 0 && (buf[off] & 0xFF) != DATA_MESSAGE_TYPE;
    }
}
