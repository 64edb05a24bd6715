package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Messages.PARAMETERS_HIGHEST_VERSION_OFFSET;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_KEY_OFFSET;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_LENGTH;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_LOWEST_VERSION_OFFSET;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_NONCE_LENGTH;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_NONCE_OFFSET;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_PADDING_OFFSET;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_REQUEST_VERSION_OFFSET;
import static io.netproxy.engine.protocol.Messages.PARAMETERS_SALT_OFFSET;
import static io.netproxy.engine.protocol.Messages.TYPE_PARAMETERS;
import static io.netproxy.engine.protocol.Messages.TYPE_PARAMETERS_REQUEST;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Password mode's parameters exchange (types 5 and 6, PROTOCOL.md 4.5): how a client learns the server's salt and
 * static key before its first handshake. The reply is not authenticated and needs not be: the key is in CPace's
 * channel identifier and the salt in the password-related string, so forged parameters only make the handshake that
 * follows fail, at the cost of the forger's one online guess. It also carries the versions the server speaks, so a
 * mismatch is reported instead of timing out.
 */
public final class ParametersExchange {
    /** The password-mode protocol version this implementation speaks. */
    public static final int VERSION = 2;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ParametersExchange() {
    }

    /**
     * The server's reply to a parameters request, or null when {@code buf[off .. off+len)} is not one (wrong length
     * or type, non-zero reserved or padding bytes). No DH: a constant but for the request's nonce.
     */
    public static byte[] reply(byte[] buf, int off, int len, byte[] salt, byte[] serverPublicKey) {
        if (Messages.type(buf, off, len) != TYPE_PARAMETERS_REQUEST
                || !allZero(buf, off + PARAMETERS_REQUEST_VERSION_OFFSET + 1, off + PARAMETERS_NONCE_OFFSET)
                || !allZero(buf, off + PARAMETERS_PADDING_OFFSET, off + len)) {
            return null;
        }
        byte[] reply = new byte[PARAMETERS_LENGTH];
        reply[0] = TYPE_PARAMETERS;
        reply[PARAMETERS_LOWEST_VERSION_OFFSET] = VERSION;
        reply[PARAMETERS_HIGHEST_VERSION_OFFSET] = VERSION;
        System.arraycopy(buf, off + PARAMETERS_NONCE_OFFSET, reply, PARAMETERS_NONCE_OFFSET, PARAMETERS_NONCE_LENGTH);
        System.arraycopy(salt, 0, reply, PARAMETERS_SALT_OFFSET, PasswordSecrets.SALT_LENGTH);
        System.arraycopy(serverPublicKey, 0, reply, PARAMETERS_KEY_OFFSET, NoiseCrypto.DH_LENGTH);
        return reply;
    }

    /** A client's request; it accepts only the reply that echoes its random nonce. */
    public static final class Request {
        private final byte[] message = new byte[PARAMETERS_LENGTH];

        public Request() {
            message[0] = TYPE_PARAMETERS_REQUEST;
            message[PARAMETERS_REQUEST_VERSION_OFFSET] = VERSION;
            byte[] nonce = new byte[PARAMETERS_NONCE_LENGTH];
            RANDOM.nextBytes(nonce);
            System.arraycopy(nonce, 0, message, PARAMETERS_NONCE_OFFSET, PARAMETERS_NONCE_LENGTH);
        }

        /** The 72-byte type-5 message; the same on every retry of this request. */
        public byte[] message() {
            return message.clone();
        }

        /**
         * Checks a type-6 reply to this request.
         *
         * @throws HandshakeException {@code bad-length}/{@code bad-type} for another message, {@code
         *     unexpected-response} for a reply to another request, {@code bad-parameters} for non-zero reserved bytes
         *     or a server key on a low-order point
         */
        public ServerParameters consume(byte[] buf, int off, int len) throws HandshakeException {
            if (len != PARAMETERS_LENGTH) throw new HandshakeException(HandshakeException.BAD_LENGTH);
            if (Messages.type(buf, off, len) != TYPE_PARAMETERS) throw new HandshakeException(HandshakeException.BAD_TYPE);
            if (!Arrays.equals(buf, off + PARAMETERS_NONCE_OFFSET, off + PARAMETERS_SALT_OFFSET,
                    message, PARAMETERS_NONCE_OFFSET, PARAMETERS_SALT_OFFSET)) {
                throw new HandshakeException(HandshakeException.UNEXPECTED_RESPONSE);
            }
            if (!allZero(buf, off + PARAMETERS_HIGHEST_VERSION_OFFSET + 1, off + PARAMETERS_NONCE_OFFSET)) {
                throw new HandshakeException(HandshakeException.BAD_PARAMETERS);
            }
            byte[] salt = Arrays.copyOfRange(buf, off + PARAMETERS_SALT_OFFSET, off + PARAMETERS_KEY_OFFSET);
            byte[] serverKey = Arrays.copyOfRange(buf, off + PARAMETERS_KEY_OFFSET, off + PARAMETERS_LENGTH);
            try {
                // a key on a low-order point gives an all-zero DH with any scalar
                Arrays.fill(NoiseCrypto.dh(Cpace.sampleScalar(), serverKey), (byte) 0);
            } catch (HandshakeException lowOrder) {
                throw new HandshakeException(HandshakeException.BAD_PARAMETERS);
            }
            return new ServerParameters(salt, serverKey, buf[off + PARAMETERS_LOWEST_VERSION_OFFSET] & 0xFF,
                    buf[off + PARAMETERS_HIGHEST_VERSION_OFFSET] & 0xFF);
        }
    }

    /** What a parameters reply says: the salt and static key of the server, and the versions it speaks. */
    public record ServerParameters(byte[] salt, byte[] serverPublicKey, int lowestVersion, int highestVersion) {
        /** Whether the server speaks this implementation's version. */
        public boolean speaksOurVersion() {
            return lowestVersion <= VERSION && VERSION <= highestVersion;
        }

        /** What to tell the operator when {@link #speaksOurVersion} is false. */
        public String versionMismatch() {
            return "the server speaks password-mode protocol versions " + lowestVersion + ".." + highestVersion
                    + "; this client speaks " + VERSION + ": upgrade the " + (highestVersion < VERSION ? "server" : "client");
        }
    }

    private static boolean allZero(byte[] buf, int from, int to) {
        int bits = 0;
        for (int i = from; i < to; i++) bits |= buf[i];
        return bits == 0;
    }
}
