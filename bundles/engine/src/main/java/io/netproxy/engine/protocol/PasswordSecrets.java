package io.netproxy.engine.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password mode, protocol v2: what both ends derive from the password and the server's parameters (its random static
 * key and per-deployment salt). The password enters the handshake only through CPace's generator, so a recorded
 * handshake offers nothing to test a guess against (PROTOCOL.md 12). The generator is computed once per start or
 * connect and is password-equivalent: {@link #wipe} it when the tunnel stops.
 */
public final class PasswordSecrets {
    static final int ARGON2_MEMORY_KIB = 64 * 1024;
    static final int ARGON2_ITERATIONS = 3;
    static final int ARGON2_PARALLELISM = 1;
    /** A server's random salt: its own Argon2id dictionary per deployment. */
    public static final int SALT_LENGTH = 16;
    /** Separates password mode's transcripts and CPace channel from key mode's ({@code "netproxy v1"}). */
    static final byte[] IDENTIFIER = "netproxy v2 password".getBytes(StandardCharsets.US_ASCII);

    private final byte[] serverPublicKey;
    private final byte[] generator;

    private PasswordSecrets(byte[] serverPublicKey, byte[] generator) {
        this.serverPublicKey = serverPublicKey;
        this.generator = generator;
    }

    /**
     * The password-related string: Argon2id of the password under the server's salt (about half a second and 64 MiB).
     * The caller wipes {@code password} and, once {@link #of} used it, the result.
     *
     * @throws IllegalArgumentException when the password is empty or not valid Unicode text
     */
    public static byte[] prs(char[] password, byte[] salt) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        if (salt == null || salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("a password-mode salt has " + SALT_LENGTH + " bytes");
        }
        byte[] prs = stretch(password, salt);
        // The 64 MiB of Argon2id blocks are garbage now. A full collection hands them back to the OS at once (the
        // launcher runs the serial collector without ShrinkHeapInSteps); otherwise the old generation that grew for
        // them would stay committed, and resident, for the instance's lifetime.
        System.gc();
        return prs;
    }

    /** The generator of this deployment: CPace's G for the PRS and the server's public key. */
    public static PasswordSecrets of(byte[] prs, byte[] serverPublicKey) {
        byte[] key = Initiator.requireKey(serverPublicKey, "server's public key");
        return new PasswordSecrets(key, Cpace.generator(prs, channelIdentifier(key)));
    }

    /** CPace's channel identifier: the protocol and the server's static key, so a substituted key fails CPace. */
    static byte[] channelIdentifier(byte[] serverPublicKey) {
        return Cpace.lvCat(IDENTIFIER, serverPublicKey);
    }

    /** A copy of the server's static public key the generator is bound to. */
    public byte[] serverPublicKey() {
        return serverPublicKey.clone();
    }

    /** The generator itself, for the handshake classes; callers must not modify it. */
    byte[] generatorUnsafe() {
        return generator;
    }

    /** Erases the generator; handshakes with these secrets fail from then on. */
    public void wipe() {
        Arrays.fill(generator, (byte) 0);
    }

    /** Argon2id (version 0x13, 64 MiB, three passes, one lane, 32 bytes) of the password's UTF-8. */
    static byte[] stretch(char[] password, byte[] salt) {
        byte[] out = new byte[32];
        byte[] passwordBytes = utf8(password);
        try {
            Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
            argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(ARGON2_MEMORY_KIB)
                    .withIterations(ARGON2_ITERATIONS)
                    .withParallelism(ARGON2_PARALLELISM)
                    .withSalt(salt)
                    .build());
            argon2.generateBytes(passwordBytes, out);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
        return out;
    }

    private static byte[] utf8(char[] password) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
            byte[] bytes = Arrays.copyOfRange(encoded.array(), encoded.arrayOffset(), encoded.arrayOffset() + encoded.limit());
            Arrays.fill(encoded.array(), (byte) 0);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the password is not valid Unicode text");
        }
    }
}
