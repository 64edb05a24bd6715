package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Messages.INITIATION_EPHEMERAL_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_PAYLOAD_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_PAYLOAD_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_SENDER_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_STATIC_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_STATIC_OFFSET;
import static io.netproxy.engine.protocol.Messages.PASSWORD_INITIATION_LENGTH;
import static io.netproxy.engine.protocol.Messages.PASSWORD_RESPONSE_LENGTH;
import static io.netproxy.engine.protocol.Messages.RESPONSE_EPHEMERAL_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_LENGTH;
import static io.netproxy.engine.protocol.Messages.RESPONSE_PAYLOAD_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_RECEIVER_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_SENDER_OFFSET;
import static io.netproxy.engine.protocol.Messages.SHARE_LENGTH;
import static io.netproxy.engine.protocol.Messages.TYPE_INITIATION;
import static io.netproxy.engine.protocol.Messages.TYPE_PASSWORD_INITIATION;
import static io.netproxy.engine.protocol.Messages.TYPE_PASSWORD_RESPONSE;
import static io.netproxy.engine.protocol.Messages.TYPE_RESPONSE;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The server side of the handshake. One instance serves every initiation of a tunnel and is thread-safe:
 * the only shared mutable state is the replay table, which is synchronized, and the cookie secret. Checks run
 * cheapest first — length, type, mac1 (and, in the engine while it is under load, mac2) — so that traffic not meant
 * for this key costs one BLAKE2s and no Diffie-Hellman.
 *
 * <p>In password mode (protocol v2, {@link #Responder(StaticIdentity, PasswordSecrets)}) any client key may connect;
 * the password is checked by CPace, whose shares ride in message types 7 and 8 and whose key becomes the psk. A
 * wrong password is therefore not noticed at message 1: the client cannot open the response.
 */
public final class Responder {
    /** Password mode: initiations further than this from the responder's clock are rejected as stale. */
    public static final long MAX_CLOCK_SKEW_MILLIS = 15 * 60 * 1000L;

    private final StaticIdentity local;
    private final byte[] psk;
    private final Predicate<byte[]> isAllowedInitiator;
    /** Password mode v2: the generator and this server's key; null otherwise. */
    private final PasswordSecrets password;
    private final Mac1 mac1;
    private final CookieChecker cookies;
    private final TimestampTable timestamps = new TimestampTable(TimestampTable.DEFAULT_CAPACITY);
    /**
     * DH(our static key, an allowed initiator's static key): the same in every handshake of that peer, so computed
     * once (as WireGuard and our Initiator do), which saves a quarter of a handshake's cost. Only keys that passed
     * {@link #isAllowedInitiator} get here, so the map holds at most one entry per configured peer.
     */
    private final Map<ByteBuffer, byte[]> staticShared = new ConcurrentHashMap<>();

    /**
     * Key mode.
     *
     * @param psk 32 bytes; zeros (known-answer tests fix others)
     * @param isAllowedInitiator given a copy of an initiator's static public key, whether it may connect
     */
    public Responder(StaticIdentity local, byte[] psk, Predicate<byte[]> isAllowedInitiator) {
        this(local, psk, isAllowedInitiator, null);
    }

    /**
     * Password mode: {@code local} is the server's random static key, the one {@code password} binds its generator to.
     * Any client key may connect. Initiations far from this clock are rejected as stale: made-up keys can push a client
     * out of the bounded replay table, and a replay of its initiation then works for minutes at most (and still cannot
     * complete a handshake).
     */
    public Responder(StaticIdentity local, PasswordSecrets password) {
        this(local, new byte[NoiseCrypto.KEY_LENGTH], anyKey -> true, password);
        if (!Arrays.equals(local.publicKeyUnsafe(), password.serverPublicKey())) {
            throw new IllegalArgumentException("the password secrets belong to another server key");
        }
    }

    private Responder(StaticIdentity local, byte[] psk, Predicate<byte[]> isAllowedInitiator, PasswordSecrets password) {
        this.local = local;
        this.psk = Initiator.requireKey(psk, "psk");
        this.isAllowedInitiator = isAllowedInitiator;
        this.password = password;
        this.mac1 = new Mac1(local.publicKeyUnsafe());
        this.cookies = new CookieChecker(local.publicKeyUnsafe(), new SecureRandom());
    }

    /** What the mac2 of an initiation proves. */
    public enum Mac2Check {
        /** It matches the current cookie of the source address: the initiator can receive there. */
        VALID,
        /** Sixteen zero bytes: the initiator holds no cookie. */
        MISSING,
        /** Neither: a cookie of another address, an expired one, or forged. */
        INVALID
    }

    /**
     * Checks the mac2 of an initiation whose mac1 {@link #mac1Valid} accepted, against the cookie of its source. A
     * server under load takes only initiations with a {@link Mac2Check#VALID} one; otherwise mac2 is not looked at.
     */
    public Mac2Check checkMac2(byte[] buf, int off, InetSocketAddress source, long nowNanos) {
        return cookies.check(buf, off, CookieChecker.source(source), nowNanos);
    }

    /** A cookie reply (type 3, 64 bytes) to an initiation whose mac1 {@link #mac1Valid} accepted. No DH. */
    public byte[] cookieReply(byte[] buf, int off, InetSocketAddress source, long nowNanos) {
        return cookies.reply(buf, off, CookieChecker.source(source), nowNanos);
    }

    /**
     * Whether this is an initiation of this responder's mode (type 1, or 7 in password mode) and length whose mac1 is
     * for this responder's key. No DH.
     */
    public boolean mac1Valid(byte[] buf, int off, int len) {
        return Messages.type(buf, off, len) == initiationType() && mac1.valid(buf, off, Messages.mac1Offset(len));
    }

    /** Authenticates message type 1 (type 7 in password mode); the result feeds {@link #respond}. */
    public Initiation consumeInitiation(byte[] buf, int off, int len, long nowEpochMillis) throws HandshakeException {
        return consumeInitiation(buf, off, len, nowEpochMillis, password == null ? null : Cpace.sampleScalar());
    }

    /** Lets known-answer tests fix the CPace scalar of password mode. */
    Initiation consumeInitiation(byte[] buf, int off, int len, long nowEpochMillis, byte[] shareScalar)
            throws HandshakeException {
        int shift = password == null ? 0 : SHARE_LENGTH;
        if (len != (password == null ? INITIATION_LENGTH : PASSWORD_INITIATION_LENGTH)) {
            throw new HandshakeException(HandshakeException.BAD_LENGTH);
        }
        if (Messages.type(buf, off, len) != initiationType()) {
            throw new HandshakeException(HandshakeException.BAD_TYPE);
        }
        if (!mac1.valid(buf, off, Messages.mac1Offset(len))) {
            throw new HandshakeException(HandshakeException.BAD_MAC1);
        }
        // mac2 is the engine's business: it checks it, with checkMac2, only while under load.
        int senderIndex = Messages.readIntLE(buf, off + INITIATION_SENDER_OFFSET);
        byte[] initiatorEphemeral = Arrays.copyOfRange(buf, off + INITIATION_EPHEMERAL_OFFSET,
                off + INITIATION_EPHEMERAL_OFFSET + NoiseCrypto.DH_LENGTH);

        SymmetricState start = SymmetricState.initial(local.publicKeyUnsafe(), password != null);
        try {
            SymmetricState state = start.mixHeader(buf, off, INITIATION_EPHEMERAL_OFFSET).mixEphemeral(initiatorEphemeral);
            byte[] initiatorShare = null;
            if (password != null) {
                int at = off + Messages.INITIATION_SHARE_OFFSET;
                initiatorShare = Arrays.copyOfRange(buf, at, at + SHARE_LENGTH);
                state = state.mixShare(initiatorShare);
            }
            SymmetricState.Opened initiatorStatic = state.mixKeyOfSharedSecret(local.agree(initiatorEphemeral))
                    .decrypt(buf, off + INITIATION_STATIC_OFFSET + shift, INITIATION_STATIC_LENGTH);
            byte[] initiatorPublicKey = initiatorStatic.plaintext();
            // Before the second DH: unknown keys cost no more than the first.
            if (!isAllowedInitiator.test(initiatorPublicKey.clone())) {
                throw new HandshakeException(HandshakeException.UNKNOWN_PEER);
            }
            byte[] staticShared = staticSharedWith(initiatorPublicKey);
            SymmetricState.Opened encryptedPayload;
            try {
                encryptedPayload = initiatorStatic.state().mixKey(staticShared)
                        .decrypt(buf, off + INITIATION_PAYLOAD_OFFSET + shift, INITIATION_PAYLOAD_LENGTH);
            } finally {
                if (password != null) Arrays.fill(staticShared, (byte) 0);
            }
            PayloadCodec.DecodedInitiation decoded = PayloadCodec.decodeInitiation(encryptedPayload.plaintext());

            if (password != null
                    && Math.abs(Tai64n.toEpochMillis(decoded.timestamp()) - nowEpochMillis) > MAX_CLOCK_SKEW_MILLIS) {
                throw new HandshakeException(HandshakeException.STALE_TIMESTAMP);
            }
            // The key is the client (in password mode a random one of its own), not the freely chosen client id.
            if (!timestamps.acceptIfNewer(initiatorPublicKey, decoded.timestamp())) {
                throw new HandshakeException(HandshakeException.REPLAYED);
            }
            Cpace.Answer cpace = password == null ? null : Cpace.answer(shareScalar, password.generatorUnsafe(), initiatorShare);
            encryptedPayload.state().keepOnly();
            return new Initiation(senderIndex, initiatorPublicKey, initiatorEphemeral, decoded.payload(),
                    encryptedPayload.state(), cpace);
        } catch (HandshakeException | RuntimeException e) {
            start.wipe(); // every chaining key this initiation produced
            throw e;
        }
    }

    private int initiationType() {
        return password == null ? TYPE_INITIATION : TYPE_PASSWORD_INITIATION;
    }

    private byte[] staticSharedWith(byte[] initiatorPublicKey) throws HandshakeException {
        // In password mode any key gets here: a cache would grow with every key an attacker makes up.
        if (password != null) return local.agree(initiatorPublicKey);

        ByteBuffer peer = ByteBuffer.wrap(initiatorPublicKey.clone());
        byte[] shared = staticShared.get(peer);
        if (shared == null) {
            shared = local.agree(initiatorPublicKey);
            staticShared.put(peer, shared);
        }
        return shared;
    }

    /**
     * Builds message type 2 and computes the session keys, which {@link #keys} then returns.
     * Call once per Initiation.
     *
     * @param localIndex the index the initiator will address this session by, chosen unique by the caller
     * @throws IllegalArgumentException if the payload's suite is not one the initiator offered
     * @throws IllegalStateException if this Initiation was already answered
     */
    public byte[] respond(Initiation initiation, int localIndex, ResponsePayload payload) {
        return respond(initiation, localIndex, payload, StaticIdentity.generate());
    }

    /** Lets known-answer tests fix the ephemeral key. */
    byte[] respond(Initiation initiation, int localIndex, ResponsePayload payload, StaticIdentity ephemeral) {
        if (!initiation.payload.offers(payload.cipherWireId())) {
            throw new IllegalArgumentException("the initiator did not offer cipher " + payload.cipherWireId());
        }
        synchronized (initiation) {
            if (initiation.keys != null) {
                throw new IllegalStateException("this initiation was already answered");
            }
            if (initiation.discarded) {
                // its chaining key and psk are zeros now: an answer would be one anybody could open
                throw new IllegalStateException("this initiation was discarded");
            }
            Cpace.Answer cpace = initiation.cpace;
            int shift = cpace == null ? 0 : SHARE_LENGTH;
            byte[] message = new byte[cpace == null ? RESPONSE_LENGTH : PASSWORD_RESPONSE_LENGTH];
            message[0] = (byte) (cpace == null ? TYPE_RESPONSE : TYPE_PASSWORD_RESPONSE);
            Messages.writeIntLE(localIndex, message, RESPONSE_SENDER_OFFSET);
            Messages.writeIntLE(initiation.senderIndex, message, RESPONSE_RECEIVER_OFFSET);
            byte[] ephemeralPublic = ephemeral.publicKeyUnsafe();
            System.arraycopy(ephemeralPublic, 0, message, RESPONSE_EPHEMERAL_OFFSET, ephemeralPublic.length);

            SymmetricState.Sealed sealed;
            try {
                SymmetricState state = initiation.state.mixHeader(message, 0, RESPONSE_EPHEMERAL_OFFSET)
                        .mixEphemeral(ephemeralPublic);
                if (cpace != null) {
                    System.arraycopy(cpace.share(), 0, message, Messages.RESPONSE_SHARE_OFFSET, SHARE_LENGTH);
                    state = state.mixShare(cpace.share());
                }
                sealed = state.mixSharedSecret(ephemeral.agree(initiation.initiatorEphemeral))
                        .mixSharedSecret(ephemeral.agree(initiation.initiatorPublicKey))
                        .mixKeyAndHash(cpace == null ? psk : cpace.psk())
                        .encrypt(PayloadCodec.encodeResponse(payload));
            } catch (HandshakeException e) {
                // consumeInitiation already did DH with both keys; only low-order points give all-zero results.
                throw new IllegalStateException(e.reason());
            }
            System.arraycopy(sealed.ciphertext(), 0, message, RESPONSE_PAYLOAD_OFFSET + shift, sealed.ciphertext().length);
            new Mac1(initiation.initiatorPublicKey).write(message, Messages.mac1Offset(message.length));

            byte[][] transportKeys = sealed.state().split();
            sealed.state().wipe();
            initiation.state.wipe();
            if (cpace != null) cpace.wipe();
            ephemeral.wipe();
            initiation.keys = new SessionKeys(transportKeys[1], transportKeys[0], localIndex, initiation.senderIndex);
            return message;
        }
    }

    /**
     * The session keys {@link #respond} computed for this initiation; respond must have been called first,
     * with the same local index.
     */
    public SessionKeys keys(Initiation initiation, int localIndex) {
        synchronized (initiation) {
            if (initiation.keys == null) {
                throw new IllegalStateException("respond(...) computes the keys; call it first");
            }
            if (initiation.keys.localIndex() != localIndex) {
                throw new IllegalArgumentException("respond(...) was called with another local index");
            }
            return initiation.keys;
        }
    }

    /** An authenticated initiation: who sent it and the handshake state needed to answer it. */
    public static final class Initiation {
        final int senderIndex;
        final byte[] initiatorPublicKey;
        final byte[] initiatorEphemeral;
        final InitiationPayload payload;
        final SymmetricState state;
        /** Password mode: the responder's CPace share and the psk it yields; null in key mode. */
        final Cpace.Answer cpace;
        SessionKeys keys;
        boolean discarded;

        Initiation(int senderIndex, byte[] initiatorPublicKey, byte[] initiatorEphemeral, InitiationPayload payload,
                   SymmetricState state, Cpace.Answer cpace) {
            this.senderIndex = senderIndex;
            this.initiatorPublicKey = initiatorPublicKey;
            this.initiatorEphemeral = initiatorEphemeral;
            this.payload = payload;
            this.state = state;
            this.cpace = cpace;
        }

        /** Erases the handshake state (its chaining key, and CPace's psk); {@link #keys} stays. Idempotent. */
        public void discard() {
            synchronized (this) {
                discarded = true;
                state.wipe();
                if (cpace != null) cpace.wipe();
            }
        }

        /** The initiator's index, to be written as receiver index in packets sent to it. */
        public int senderIndex() {
            return senderIndex;
        }

        /** A copy of the initiator's authenticated static public key. */
        public byte[] initiatorPublicKey() {
            return initiatorPublicKey.clone();
        }

        public InitiationPayload payload() {
            return payload;
        }
    }
}
