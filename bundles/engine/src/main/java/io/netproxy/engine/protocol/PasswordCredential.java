package io.netproxy.engine.protocol;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What a password-mode server needs in place of the password (PROTOCOL.md 3.1): the salt, its static key and the
 * password stretched under that salt. Made once by {@code netproxy passwd}; a server started from it never holds the
 * password, which may be in use elsewhere. It is password-equivalent for this server all the same: whoever has it can
 * answer clients in the server's place and test a password against the PRS at the cost of Argon2id per guess.
 *
 * <p>Encoded as {@code 0x02 || salt (16) || private key (32) || public key (32) || PRS (32)}, 113 bytes; the public
 * key is there so that tools can show it without X25519, and is checked against the private one.
 */
public final class PasswordCredential {
    /** The first byte: the password-mode protocol version the credential is for. */
    public static final byte VERSION = 2;
    public static final int LENGTH = 1 + PasswordSecrets.SALT_LENGTH + 3 * NoiseCrypto.KEY_LENGTH;
    private static final int KEY_OFFSET = 1 + PasswordSecrets.SALT_LENGTH;
    private static final int PUBLIC_OFFSET = KEY_OFFSET + NoiseCrypto.KEY_LENGTH;
    private static final int PRS_OFFSET = PUBLIC_OFFSET + NoiseCrypto.KEY_LENGTH;

    private PasswordCredential() {}

    /** A new credential for this password: a random salt and server key, and the password stretched (half a second). */
    public static byte[] make(char[] password) {
        byte[] salt = new byte[PasswordSecrets.SALT_LENGTH];
        new SecureRandom().nextBytes(salt);
        StaticIdentity server = StaticIdentity.generate();
        byte[] prs = PasswordSecrets.prs(password, salt);
        byte[] privateKey = server.privateKey();
        try {
            byte[] encoded = new byte[LENGTH];
            encoded[0] = VERSION;
            System.arraycopy(salt, 0, encoded, 1, salt.length);
            System.arraycopy(privateKey, 0, encoded, KEY_OFFSET, privateKey.length);
            System.arraycopy(server.publicKey(), 0, encoded, PUBLIC_OFFSET, NoiseCrypto.KEY_LENGTH);
            System.arraycopy(prs, 0, encoded, PRS_OFFSET, prs.length);
            return encoded;
        } finally {
            Arrays.fill(prs, (byte) 0);
            Arrays.fill(privateKey, (byte) 0);
            server.wipe();
        }
    }

    /** The server's salt. */
    public static byte[] salt(byte[] credential) {
        return Arrays.copyOfRange(check(credential), 1, KEY_OFFSET);
    }

    /** The server's static private key; the caller wipes it. */
    public static byte[] privateKey(byte[] credential) {
        return Arrays.copyOfRange(check(credential), KEY_OFFSET, PUBLIC_OFFSET);
    }

    /** The server's static public key, as written beside the private one. */
    public static byte[] publicKey(byte[] credential) {
        return Arrays.copyOfRange(check(credential), PUBLIC_OFFSET, PRS_OFFSET);
    }

    /** The password stretched under the salt; the caller wipes it. */
    public static byte[] prs(byte[] credential) {
        return Arrays.copyOfRange(check(credential), PRS_OFFSET, LENGTH);
    }

    /**
     * The credential itself, when it is one whose public key is its private key's.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static byte[] check(byte[] credential) {
        if (credential == null || credential.length != LENGTH || credential[0] != VERSION) {
            throw new IllegalArgumentException("not a netproxy password credential (version " + VERSION + ", " + LENGTH
                    + " bytes): make one with 'netproxy passwd'");
        }
        byte[] privateKey = Arrays.copyOfRange(credential, KEY_OFFSET, PUBLIC_OFFSET);
        StaticIdentity server = StaticIdentity.fromPrivateKey(privateKey);
        Arrays.fill(privateKey, (byte) 0);
        try {
            if (!java.security.MessageDigest.isEqual(server.publicKey(),
                    Arrays.copyOfRange(credential, PUBLIC_OFFSET, PRS_OFFSET))) {
                throw new IllegalArgumentException("a damaged password credential: its public key is not its private"
                        + " key's; make a new one with 'netproxy passwd'");
            }
        } finally {
            server.wipe();
        }
        return credential;
    }
}
