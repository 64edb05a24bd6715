package io.netproxy.engine.protocol;

/**
 * Wire constants, message layouts and the data header codec. Multi-byte integers are little-endian, as in
 * WireGuard. All message types start with {@code type(1) reserved(3)=0}.
 */
public final class Messages {
    public static final int TYPE_INITIATION = 1;
    public static final int TYPE_RESPONSE = 2;
    /** A cookie reply: a server under load answers an initiation without a valid mac2 with it (PROTOCOL.md 4.3). */
    public static final int TYPE_COOKIE = 3;
    public static final int TYPE_DATA = 4;
    /** Password mode: a client asks for the server's salt and static key (PROTOCOL.md 4.5). */
    public static final int TYPE_PARAMETERS_REQUEST = 5;
    /** Password mode: the server's salt, static key and protocol versions, in answer to type 5. */
    public static final int TYPE_PARAMETERS = 6;
    /** Password mode: an initiation that carries the initiator's CPace share. */
    public static final int TYPE_PASSWORD_INITIATION = 7;
    /** Password mode: a response that carries the responder's CPace share. */
    public static final int TYPE_PASSWORD_RESPONSE = 8;

    static final int HEADER_LENGTH = 4;
    static final int MAC_LENGTH = NoiseCrypto.MAC_LENGTH;

    // Initiation: type, reserved, sender index, ephemeral, encrypted static, encrypted payload, mac1, mac2.
    static final int INITIATION_SENDER_OFFSET = 4;
    static final int INITIATION_EPHEMERAL_OFFSET = 8;
    static final int INITIATION_STATIC_OFFSET = INITIATION_EPHEMERAL_OFFSET + NoiseCrypto.DH_LENGTH;
    static final int INITIATION_STATIC_LENGTH = NoiseCrypto.DH_LENGTH + NoiseCrypto.TAG_LENGTH;
    static final int INITIATION_PAYLOAD_OFFSET = INITIATION_STATIC_OFFSET + INITIATION_STATIC_LENGTH;
    static final int INITIATION_PAYLOAD_LENGTH = PayloadCodec.INITIATION_PLAINTEXT_LENGTH + NoiseCrypto.TAG_LENGTH;
    static final int INITIATION_MAC1_OFFSET = INITIATION_PAYLOAD_OFFSET + INITIATION_PAYLOAD_LENGTH;
    static final int INITIATION_MAC2_OFFSET = INITIATION_MAC1_OFFSET + MAC_LENGTH;
    /** 173 bytes. */
    public static final int INITIATION_LENGTH = INITIATION_MAC2_OFFSET + MAC_LENGTH;

    // Response: type, reserved, sender index, receiver index, ephemeral, encrypted payload, mac1, mac2.
    static final int RESPONSE_SENDER_OFFSET = 4;
    static final int RESPONSE_RECEIVER_OFFSET = 8;
    static final int RESPONSE_EPHEMERAL_OFFSET = 12;
    static final int RESPONSE_PAYLOAD_OFFSET = RESPONSE_EPHEMERAL_OFFSET + NoiseCrypto.DH_LENGTH;
    static final int RESPONSE_PAYLOAD_LENGTH = PayloadCodec.RESPONSE_PLAINTEXT_LENGTH + NoiseCrypto.TAG_LENGTH;
    static final int RESPONSE_MAC1_OFFSET = RESPONSE_PAYLOAD_OFFSET + RESPONSE_PAYLOAD_LENGTH;
    static final int RESPONSE_MAC2_OFFSET = RESPONSE_MAC1_OFFSET + MAC_LENGTH;
    /** 204 bytes. */
    public static final int RESPONSE_LENGTH = RESPONSE_MAC2_OFFSET + MAC_LENGTH;

    /** A CPace share: password-mode handshake messages carry it right after the ephemeral key. */
    static final int SHARE_LENGTH = 32;
    /** Where password mode puts the share: right after the ephemeral key, where the fields of key mode begin. */
    static final int INITIATION_SHARE_OFFSET = INITIATION_STATIC_OFFSET;
    static final int RESPONSE_SHARE_OFFSET = RESPONSE_PAYLOAD_OFFSET;
    /** 205 bytes: an initiation with the share at {@link #INITIATION_SHARE_OFFSET}, the rest moved back by it. */
    public static final int PASSWORD_INITIATION_LENGTH = INITIATION_LENGTH + SHARE_LENGTH;
    /** 236 bytes: a response with the share at {@link #RESPONSE_SHARE_OFFSET}, the rest moved back by it. */
    public static final int PASSWORD_RESPONSE_LENGTH = RESPONSE_LENGTH + SHARE_LENGTH;

    // Parameters request: type, reserved, version, reserved, nonce, zero padding (a reply is never larger).
    static final int PARAMETERS_REQUEST_VERSION_OFFSET = 4;
    static final int PARAMETERS_NONCE_OFFSET = 8;
    static final int PARAMETERS_NONCE_LENGTH = 16;
    static final int PARAMETERS_PADDING_OFFSET = PARAMETERS_NONCE_OFFSET + PARAMETERS_NONCE_LENGTH;
    // Parameters: type, reserved, lowest and highest version, reserved, the request's nonce, salt, server key.
    static final int PARAMETERS_LOWEST_VERSION_OFFSET = 4;
    static final int PARAMETERS_HIGHEST_VERSION_OFFSET = 5;
    static final int PARAMETERS_SALT_OFFSET = PARAMETERS_NONCE_OFFSET + PARAMETERS_NONCE_LENGTH;
    static final int PARAMETERS_KEY_OFFSET = PARAMETERS_SALT_OFFSET + PasswordSecrets.SALT_LENGTH;
    /** 72 bytes, request and reply alike. */
    public static final int PARAMETERS_LENGTH = PARAMETERS_KEY_OFFSET + NoiseCrypto.DH_LENGTH;

    // Cookie reply: type, reserved, receiver index, nonce, encrypted cookie (cookie and tag).
    static final int COOKIE_RECEIVER_OFFSET = 4;
    static final int COOKIE_NONCE_OFFSET = 8;
    static final int COOKIE_NONCE_LENGTH = NoiseCrypto.XNONCE_LENGTH;
    /** The cookie itself, a MAC of the initiator's source address. */
    static final int COOKIE_LENGTH = MAC_LENGTH;
    static final int COOKIE_ENCRYPTED_OFFSET = COOKIE_NONCE_OFFSET + COOKIE_NONCE_LENGTH;
    static final int COOKIE_ENCRYPTED_LENGTH = COOKIE_LENGTH + NoiseCrypto.TAG_LENGTH;
    /** 64 bytes. */
    public static final int COOKIE_REPLY_LENGTH = COOKIE_ENCRYPTED_OFFSET + COOKIE_ENCRYPTED_LENGTH;

    // Data: type, reserved, receiver index, counter, then the suite's ciphertext and tag.
    static final int DATA_RECEIVER_OFFSET = 4;
    static final int DATA_COUNTER_OFFSET = 8;
    /** The header that precedes the ciphertext and is its AAD. */
    public static final int DATA_HEADER_LENGTH = 16;

    private Messages() {
    }

    /**
     * The message type, or -1 when the packet cannot be a valid message of any type: shorter than its
     * type's length (initiation, response and cookie reply have exactly their fixed length, data at least
     * {@link #DATA_HEADER_LENGTH}; the caller checks room for the suite's tag), a reserved byte not zero, or
     * an unknown type.
     */
    public static int type(byte[] buf, int off, int len) {
        if (len < HEADER_LENGTH || buf[off + 1] != 0 || buf[off + 2] != 0 || buf[off + 3] != 0) {
            return -1;
        }
        int type = buf[off] & 0xFF;
        return switch (type) {
            case TYPE_INITIATION -> len == INITIATION_LENGTH ? type : -1;
            case TYPE_RESPONSE -> len == RESPONSE_LENGTH ? type : -1;
            case TYPE_COOKIE -> len == COOKIE_REPLY_LENGTH ? type : -1;
            case TYPE_DATA -> len >= DATA_HEADER_LENGTH ? type : -1;
            case TYPE_PARAMETERS_REQUEST, TYPE_PARAMETERS -> len == PARAMETERS_LENGTH ? type : -1;
            case TYPE_PASSWORD_INITIATION -> len == PASSWORD_INITIATION_LENGTH ? type : -1;
            case TYPE_PASSWORD_RESPONSE -> len == PASSWORD_RESPONSE_LENGTH ? type : -1;
            default -> -1;
        };
    }

    /**
     * The receiver index of a data or response message whose type {@link #type} has already validated:
     * bytes 4..7 for data, 8..11 for a response (bytes 4..7 of a response are the responder's sender index).
     */
    public static int receiverIndex(byte[] buf, int off) {
        int type = buf[off] & 0xFF;
        return type == TYPE_RESPONSE || type == TYPE_PASSWORD_RESPONSE
                ? responseReceiverIndex(buf, off) : readIntLE(buf, off + DATA_RECEIVER_OFFSET);
    }

    /** Bytes 8..11 of a response (either mode): the sender index of the initiation it answers. */
    public static int responseReceiverIndex(byte[] buf, int off) {
        return readIntLE(buf, off + RESPONSE_RECEIVER_OFFSET);
    }

    /** The length of the initiation at {@code buf[off]} whose type was validated: 205 for type 7, else 173. */
    static int initiationLength(byte[] buf, int off) {
        return (buf[off] & 0xFF) == TYPE_PASSWORD_INITIATION ? PASSWORD_INITIATION_LENGTH : INITIATION_LENGTH;
    }

    /** Where mac1 lies in a handshake message of this length: it and mac2 are always its last 32 bytes. */
    static int mac1Offset(int length) {
        return length - 2 * MAC_LENGTH;
    }

    /** Where mac2 lies in a handshake message of this length. */
    static int mac2Offset(int length) {
        return length - MAC_LENGTH;
    }

    /** Bytes 4..7 of a cookie reply: the sender index of the initiation it answers. */
    public static int cookieReceiverIndex(byte[] buf, int off) {
        return readIntLE(buf, off + COOKIE_RECEIVER_OFFSET);
    }

    /** The 64-bit counter of a data message (bytes 8..15). */
    public static long counter(byte[] buf, int off) {
        return readLongLE(buf, off + DATA_COUNTER_OFFSET);
    }

    /** Writes the 16-byte data header at {@code buf[off]}. */
    public static void writeDataHeader(byte[] buf, int off, int receiverIndex, long counter) {
        buf[off] = TYPE_DATA;
        buf[off + 1] = 0;
        buf[off + 2] = 0;
        buf[off + 3] = 0;
        writeIntLE(receiverIndex, buf, off + DATA_RECEIVER_OFFSET);
        writeLongLE(counter, buf, off + DATA_COUNTER_OFFSET);
    }

    static int readIntLE(byte[] buf, int off) {
        return (buf[off] & 0xFF) | (buf[off + 1] & 0xFF) << 8 | (buf[off + 2] & 0xFF) << 16 | (buf[off + 3] & 0xFF) << 24;
    }

    static void writeIntLE(int value, byte[] buf, int off) {
        buf[off] = (byte) value;
        buf[off + 1] = (byte) (value >>> 8);
        buf[off + 2] = (byte) (value >>> 16);
        buf[off + 3] = (byte) (value >>> 24);
    }

    static long readLongLE(byte[] buf, int off) {
        return (readIntLE(buf, off) & 0xFFFFFFFFL) | (long) readIntLE(buf, off + 4) << 32;
    }

    static void writeLongLE(long value, byte[] buf, int off) {
        writeIntLE((int) value, buf, off);
        writeIntLE((int) (value >>> 32), buf, off + 4);
    }
}
