package io.netproxy.engine.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;


/**
 * Password mode: both static key pairs and the psk are derived from one shared password, stretched with
 * Argon2id so that an offline guess costs 64 MiB and three passes. The password itself is never sent and
 * never kept. Every client derives the same client key pair, so the server tells clients apart by their
 * client id.
 */
public final class PasswordCredentials {
    /** A fixed salt: a per-deployment salt is future work (see PROTOCOL.md). */
    static final String ARGON2_SALT = "netproxy protocol v1 password salt";
    /** The chaining key of the expansion is {@code HASH(KDF_LABEL)}. */
    static final String KDF_LABEL = "netproxy v1 password keys";

    private final StaticIdentity serverIdentity;
    private final StaticIdentity clientIdentity;
    private final byte[] psk;

    private PasswordCredentials(StaticIdentity serverIdentity, StaticIdentity clientIdentity, byte[] psk) {
        this.serverIdentity = serverIdentity;
        this.clientIdentity = clientIdentity;
        this.psk = psk;
    }

    /** Runs Argon2id (about half a second); the caller wipes {@code password} afterwards. */
    public static PasswordCredentials derive(char[] password) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        byte[] master = stretch(password);
        // The 64 MiB of Argon2id blocks are garbage now that stretch() returned. A full collection hands them back to
        // the OS at once (the launcher runs the serial collector without ShrinkHeapInSteps); otherwise the old
        // generation that grew for them would stay committed, and resident, for the instance's lifetime.
        System.gc();
        byte[][] derived = NoiseCrypto.kdf(NoiseCrypto.hash(KDF_LABEL.getBytes(StandardCharsets.US_ASCII)), master, 3);
        Arrays.fill(master, (byte) 0);
        StaticIdentity server = StaticIdentity.fromPrivateKey(derived[1]);
        StaticIdentity client = StaticIdentity.fromPrivateKey(derived[2]);
        Arrays.fill(derived[1], (byte) 0);
        Arrays.fill(derived[2], (byte) 0);
        return new PasswordCredentials(server, client, derived[0]);
    }

    public StaticIdentity serverIdentity() {
        return serverIdentity;
    }

    public StaticIdentity clientIdentity() {
        return clientIdentity;
    }

    /** A copy of the 32-byte psk. */
    public byte[] psk() {
        return psk.clone();
    }

    /** Argon2id of the password under the fixed v1 salt: the master secret the keys are derived from. */
    private static byte[] stretch(char[] password) {
        return PasswordSecrets.stretch(password, ARGON2_SALT.getBytes(StandardCharsets.US_ASCII));
    }
}
