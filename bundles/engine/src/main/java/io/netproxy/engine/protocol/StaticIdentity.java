package io.netproxy.engine.protocol;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc7748.X25519;

/** An X25519 key pair: a peer's long-term identity, or a handshake's ephemeral key. */
public final class StaticIdentity {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] privateKey;
    private final byte[] publicKey;

    private StaticIdentity(byte[] clampedPrivateKey) {
        this.privateKey = clampedPrivateKey;
        this.publicKey = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    public static StaticIdentity generate() {
        byte[] key = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(RANDOM, key);
        return new StaticIdentity(key);
    }

    /** Clamps a copy of the given 32 bytes, so any 32 random bytes make a valid key. */
    public static StaticIdentity fromPrivateKey(byte[] privateKey32) {
        if (privateKey32 == null || privateKey32.length != X25519.SCALAR_SIZE) {
            throw new IllegalArgumentException("an X25519 private key has 32 bytes");
        }
        byte[] key = privateKey32.clone();
        X25519.clampPrivateKey(key);
        return new StaticIdentity(key);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the clamped private key; only key generation tools need it. */
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** DH(this private key, peer public key) without copying the private key. */
    byte[] agree(byte[] peerPublicKey) throws HandshakeException {
        return NoiseCrypto.dh(privateKey, peerPublicKey);
    }

    /** The public key without a copy, for hashing into the handshake; callers must not modify it. */
    byte[] publicKeyUnsafe() {
        return publicKey;
    }

    /** Wipes the private key; used for ephemeral keys once the handshake no longer needs them. */
    void wipe() {
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "StaticIdentity[public=" + Base64.getEncoder().encodeToString(publicKey) + "]";
    }
}
