package io.netproxy.engine.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages from a responder to its initiator inside the data channel (PROTOCOL.md section 7.1): the plaintext of a
 * data message whose first byte is 0, which no IP packet has (its version nibble is 4 or 6). They are therefore as
 * authenticated as the data they travel with, and a peer that does not know one drops it like any other
 * non-IP packet.
 */
public final class ControlMessages {
    /** The first plaintext byte that marks a control message. */
    public static final int MARKER = 0;
    /** Handshake again now: the responder retires the suite of this session. No body. */
    public static final int HANDSHAKE_NOW = 1;
    /** The responder listens on these transports only from now on: {@code count(1) (length(1) name)*}. */
    public static final int TRANSPORTS = 2;

    static final int MAX_TRANSPORTS = 8;
    static final int MAX_NAME_LENGTH = 32;

    private ControlMessages() {}

    /** Whether a decrypted, non-empty plaintext is a control message rather than an IP packet. */
    public static boolean isControl(byte[] buf, int off, int len) {
        return len > 0 && buf[off] == MARKER;
    }

    /** The control type, or -1 for a control message too short to have one. */
    public static int type(byte[] buf, int off, int len) {
        return len >= 2 ? buf[off + 1] & 0xFF : -1;
    }

    public static byte[] handshakeNow() {
        return new byte[] {MARKER, HANDSHAKE_NOW};
    }

    /**
     * @param names transport names, 1 to 8, each 1 to 32 of {@code [a-z0-9-]}
     */
    public static byte[] transports(List<String> names) {
        if (names.isEmpty() || names.size() > MAX_TRANSPORTS) {
            throw new IllegalArgumentException("1 to " + MAX_TRANSPORTS + " transports, not " + names.size());
        }
        List<byte[]> encoded = new ArrayList<>();
        int length = 3;
        for (String name : names) {
            if (!validName(name)) throw new IllegalArgumentException("not a transport name for the wire: " + name);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            encoded.add(bytes);
            length += 1 + bytes.length;
        }
        byte[] message = new byte[length];
        message[0] = MARKER;
        message[1] = TRANSPORTS;
        message[2] = (byte) names.size();
        int at = 3;
        for (byte[] name : encoded) {
            message[at++] = (byte) name.length;
            System.arraycopy(name, 0, message, at, name.length);
            at += name.length;
        }
        return message;
    }

    /**
     * The names of a {@link #TRANSPORTS} message.
     *
     * @throws IllegalArgumentException when the body breaks the format (a peer's bug: the message is dropped)
     */
    public static List<String> parseTransports(byte[] buf, int off, int len) {
        if (len < 3) throw new IllegalArgumentException("transports message without a count");
        int count = buf[off + 2] & 0xFF;
        if (count < 1 || count > MAX_TRANSPORTS) throw new IllegalArgumentException("transport count " + count);
        List<String> names = new ArrayList<>();
        int at = off + 3;
        int end = off + len;
        for (int i = 0; i < count; i++) {
            if (at >= end) throw new IllegalArgumentException("transports message cut short");
            int length = buf[at++] & 0xFF;
            if (length < 1 || at + length > end) throw new IllegalArgumentException("transport name cut short");
            String name = new String(buf, at, length, StandardCharsets.US_ASCII);
            if (!validName(name)) throw new IllegalArgumentException("not a transport name: " + name);
            names.add(name);
            at += length;
        }
        if (at != end) throw new IllegalArgumentException("bytes after the transport names");
        return names;
    }

    private static boolean validName(String name) {
        return name.matches("[a-z0-9-]{1," + MAX_NAME_LENGTH + "}");
    }
}
