package io.netproxy.engine.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Noise's SymmetricState: the chaining key {@code ck} and the transcript hash {@code h}. Every operation
 * returns a new state instead of mutating this one, so that a forged message that fails half-way through
 * leaves the handshake exactly where it was and the genuine message can still be processed. The states of one
 * handshake share a record of every chaining key they produced, so that the ones a step left behind are erased
 * ({@link #keepOnly}, {@link #wipe}; PROTOCOL.md 5.3).
 */
final class SymmetricState {
    static final String CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    static final String IDENTIFIER = "netproxy v1";

    private static final byte[] INITIAL_CHAINING_KEY = NoiseCrypto.hash(CONSTRUCTION.getBytes(StandardCharsets.US_ASCII));
    private static final byte[] INITIAL_HASH =
            NoiseCrypto.hash(INITIAL_CHAINING_KEY, IDENTIFIER.getBytes(StandardCharsets.US_ASCII));
    private static final byte[] INITIAL_PASSWORD_HASH = NoiseCrypto.hash(INITIAL_CHAINING_KEY, PasswordSecrets.IDENTIFIER);

    private final byte[] chainingKey;
    private final byte[] hash;
    private final ChainingKeys chain;

    private SymmetricState(byte[] chainingKey, byte[] hash, ChainingKeys chain) {
        this.chainingKey = chainingKey;
        this.hash = hash;
        this.chain = chain;
    }

    /** The next state, with a new chaining key: recorded with the handshake's others. */
    private SymmetricState chained(byte[] newChainingKey, byte[] newHash) {
        return new SymmetricState(chain.add(newChainingKey), newHash, chain);
    }

    /** The next state, with this state's chaining key. */
    private SymmetricState hashed(byte[] newHash) {
        return new SymmetricState(chainingKey, newHash, chain);
    }

    /** The state both sides start from: construction and identifier hashed, then the responder's static key. */
    static SymmetricState initial(byte[] responderStaticPublicKey) {
        return initial(responderStaticPublicKey, false);
    }

    /** The same, with password mode's identifier ({@code "netproxy v2 password"}) when {@code passwordMode}. */
    static SymmetricState initial(byte[] responderStaticPublicKey, boolean passwordMode) {
        ChainingKeys chain = new ChainingKeys();
        return new SymmetricState(chain.add(INITIAL_CHAINING_KEY.clone()),
                NoiseCrypto.hash(passwordMode ? INITIAL_PASSWORD_HASH : INITIAL_HASH, responderStaticPublicKey), chain);
    }

    /**
     * MixHash of a message's cleartext header (type, reserved bytes, indices), so that the AEAD tags that
     * follow also cover the bytes Noise itself would leave unauthenticated.
     */
    SymmetricState mixHeader(byte[] buf, int off, int len) {
        return hashed(NoiseCrypto.hash(hash, Arrays.copyOfRange(buf, off, off + len)));
    }

    /** MixHash of a CPace share: the AEAD tags that follow authenticate it, besides CPace's own transcript. */
    SymmetricState mixShare(byte[] share) {
        return hashed(NoiseCrypto.hash(hash, share));
    }

    /** Token {@code e} in a psk handshake: the ephemeral public key enters both the hash and the chaining key. */
    SymmetricState mixEphemeral(byte[] ephemeralPublicKey) {
        return chained(NoiseCrypto.kdf(chainingKey, ephemeralPublicKey, 1)[0], NoiseCrypto.hash(hash, ephemeralPublicKey));
    }

    /** MixKey without a key output (WireGuard's {@code C = KDF1(C, DH(...))}). */
    SymmetricState mixChainingKey(byte[] input) {
        return chained(NoiseCrypto.kdf(chainingKey, input, 1)[0], hash);
    }

    /** {@link #mixChainingKey} of a Diffie-Hellman result that has no further use: it is erased once mixed in. */
    SymmetricState mixSharedSecret(byte[] sharedSecret) {
        try {
            return mixChainingKey(sharedSecret);
        } finally {
            Arrays.fill(sharedSecret, (byte) 0);
        }
    }

    /** {@link #mixKey} of a Diffie-Hellman result that has no further use: it is erased once mixed in. */
    Keyed mixKeyOfSharedSecret(byte[] sharedSecret) {
        try {
            return mixKey(sharedSecret);
        } finally {
            Arrays.fill(sharedSecret, (byte) 0);
        }
    }

    /** MixKey: returns the new state and the one-use key it produced, in that order. */
    Keyed mixKey(byte[] input) {
        byte[][] out = NoiseCrypto.kdf(chainingKey, input, 2);
        return new Keyed(chained(out[0], hash), out[1]);
    }

    /** MixKeyAndHash (token {@code psk}). */
    Keyed mixKeyAndHash(byte[] psk) {
        byte[][] out = NoiseCrypto.kdf(chainingKey, psk, 3);
        SymmetricState next = chained(out[0], NoiseCrypto.hash(hash, out[1]));
        Arrays.fill(out[1], (byte) 0);
        return new Keyed(next, out[2]);
    }

    /** Split: the two transport keys, initiator-to-responder first. */
    byte[][] split() {
        return NoiseCrypto.kdf(chainingKey, new byte[0], 2);
    }

    /** Erases every chaining key of the handshake, this state's too: the session keys are split off, or it failed. */
    void wipe() {
        chain.eraseAllBut(null);
    }

    /**
     * Erases every chaining key of the handshake but this state's: a message is done with (sent, or taken in), and
     * this state is the one that waits for the next; or a forged message failed half-way, and this state still waits.
     */
    void keepOnly() {
        chain.eraseAllBut(chainingKey);
    }

    /** The chaining keys of one handshake's states. */
    private static final class ChainingKeys {
        private final List<byte[]> keys = new ArrayList<>();

        synchronized byte[] add(byte[] key) {
            keys.add(key);
            return key;
        }

        synchronized void eraseAllBut(byte[] kept) {
            keys.removeIf(key -> {
                if (key == kept) return false;
                Arrays.fill(key, (byte) 0);
                return true;
            });
        }
    }

    /** A state and the key it yielded; {@link #encrypt}/{@link #decrypt} use the key with the hash as AAD. */
    record Keyed(SymmetricState state, byte[] key) {
        /** EncryptAndHash: returns the state after hashing the ciphertext, and the ciphertext. */
        Sealed encrypt(byte[] plaintext) {
            byte[] ciphertext = NoiseCrypto.seal(key, plaintext, state.hash);
            Arrays.fill(key, (byte) 0);
            return new Sealed(state.hashed(NoiseCrypto.hash(state.hash, ciphertext)), ciphertext);
        }

        /** DecryptAndHash of {@code buf[off .. off+len)}. */
        Opened decrypt(byte[] buf, int off, int len) throws HandshakeException {
            try {
                byte[] plaintext = NoiseCrypto.open(key, buf, off, len, state.hash);
                byte[] ciphertext = Arrays.copyOfRange(buf, off, off + len);
                return new Opened(state.hashed(NoiseCrypto.hash(state.hash, ciphertext)), plaintext);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    record Sealed(SymmetricState state, byte[] ciphertext) {
    }

    record Opened(SymmetricState state, byte[] plaintext) {
    }
}
