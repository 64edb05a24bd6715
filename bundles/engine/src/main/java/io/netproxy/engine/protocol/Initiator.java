package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Messages.COOKIE_REPLY_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_EPHEMERAL_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_PAYLOAD_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_SENDER_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_STATIC_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_EPHEMERAL_OFFSET;
import static io.netproxy.engine.protocol.Messages.PASSWORD_INITIATION_LENGTH;
import static io.netproxy.engine.protocol.Messages.PASSWORD_RESPONSE_LENGTH;
import static io.netproxy.engine.protocol.Messages.RESPONSE_LENGTH;
import static io.netproxy.engine.protocol.Messages.RESPONSE_PAYLOAD_LENGTH;
import static io.netproxy.engine.protocol.Messages.RESPONSE_PAYLOAD_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_SENDER_OFFSET;
import static io.netproxy.engine.protocol.Messages.SHARE_LENGTH;
import static io.netproxy.engine.protocol.Messages.TYPE_COOKIE;
import static io.netproxy.engine.protocol.Messages.TYPE_INITIATION;
import static io.netproxy.engine.protocol.Messages.TYPE_PASSWORD_INITIATION;
import static io.netproxy.engine.protocol.Messages.TYPE_PASSWORD_RESPONSE;
import static io.netproxy.engine.protocol.Messages.TYPE_RESPONSE;

import java.util.Arrays;

/**
 * The client side of one handshake attempt: {@link #initiation} builds message 1, {@link #consumeResponse}
 * checks message 2 and yields the session, {@link #consumeCookieReply} takes a cookie reply to message 1 instead.
 * A retry is a new Initiator (new ephemeral key, new index). A response or cookie reply that fails any check leaves
 * the Initiator untouched, so a forged one cannot stop the genuine response from completing the handshake; in
 * password mode, except a response that got past mac1 (see {@link #consumeResponse}). Methods are synchronized; the timer and the receive thread
 * may both touch it.
 *
 * <p>In password mode (protocol v2, {@link #withPassword}) the messages are types 7 and 8: each carries a CPace share
 * after the ephemeral key, and the psk comes from CPace instead of being zero (PROTOCOL.md 5.5).
 */
public final class Initiator {
    /**
     * How far apart the timestamps of one client's initiations must be for the responder to take each (it takes only
     * a newer one, and TAI64N is rounded to 2^24 ns, about 16.8 ms).
     */
    public static final long TIMESTAMP_STEP_MILLIS = 17;

    private final StaticIdentity local;
    private final byte[] responderPublicKey;
    private final byte[] psk;
    /** Password mode: this attempt's CPace scalar and share; null in key mode. */
    private final byte[] shareScalar;
    private final byte[] share;
    private final int localIndex;
    private final InitiationPayload payload;
    private final StaticIdentity ephemeral;
    private final byte[] staticShared;
    private final Mac1 responderMac1;
    private final Mac1 ownMac1;

    private boolean initiated;
    /** The mac1 of the initiation sent: a cookie reply to it is encrypted with it as associated data. */
    private byte[] sentMac1;
    /** The transcript after message 1; null before it is sent and after the response completed the handshake. */
    private SymmetricState awaitingResponse;

    /**
     * @param responderPublicKey the server's pinned static public key (32 bytes)
     * @param psk 32 bytes; zeros in key mode
     * @param localIndex the index the responder will address this session by, chosen unique by the caller
     * @throws IllegalArgumentException for malformed keys, including a low-order responder key
     */
    public Initiator(StaticIdentity local, byte[] responderPublicKey, byte[] psk, int localIndex,
                     InitiationPayload payload) {
        this(local, responderPublicKey, psk, localIndex, payload, StaticIdentity.generate());
    }

    /** Lets known-answer tests fix the ephemeral key. */
    Initiator(StaticIdentity local, byte[] responderPublicKey, byte[] psk, int localIndex, InitiationPayload payload,
              StaticIdentity ephemeral) {
        this(local, responderPublicKey, psk, null, null, localIndex, payload, ephemeral);
    }

    /**
     * Password mode: a handshake with the server whose key and generator {@code secrets} hold.
     *
     * @throws IllegalArgumentException when that key is a low-order point
     */
    public static Initiator withPassword(StaticIdentity local, PasswordSecrets secrets, int localIndex,
                                         InitiationPayload payload) {
        byte[] scalar = Cpace.sampleScalar();
        try {
            return withPassword(local, secrets, localIndex, payload, StaticIdentity.generate(), scalar);
        } finally {
            Arrays.fill(scalar, (byte) 0); // the Initiator holds a copy
        }
    }

    /** Lets known-answer tests fix the ephemeral key and the CPace scalar. */
    static Initiator withPassword(StaticIdentity local, PasswordSecrets secrets, int localIndex,
                                  InitiationPayload payload, StaticIdentity ephemeral, byte[] shareScalar) {
        return new Initiator(local, secrets.serverPublicKey(), new byte[NoiseCrypto.KEY_LENGTH], secrets.generatorUnsafe(),
                shareScalar, localIndex, payload, ephemeral);
    }

    private Initiator(StaticIdentity local, byte[] responderPublicKey, byte[] psk, byte[] generator,
                      byte[] shareScalar, int localIndex, InitiationPayload payload, StaticIdentity ephemeral) {
        this.local = local;
        this.responderPublicKey = requireKey(responderPublicKey, "responder public key");
        this.psk = requireKey(psk, "psk");
        this.shareScalar = shareScalar == null ? null : requireKey(shareScalar, "CPace scalar");
        try {
            this.share = generator == null ? null : Cpace.share(this.shareScalar, generator);
        } catch (HandshakeException e) {
            throw new IllegalArgumentException("the CPace generator is a low-order point (wiped?)");
        }
        this.localIndex = localIndex;
        this.payload = payload;
        this.ephemeral = ephemeral;
        try {
            this.staticShared = local.agree(this.responderPublicKey);
        } catch (HandshakeException e) {
            throw new IllegalArgumentException("the responder public key is a low-order point");
        }
        this.responderMac1 = new Mac1(this.responderPublicKey);
        this.ownMac1 = new Mac1(local.publicKeyUnsafe());
    }

    /** Message type 1 (type 7 in password mode), timestamped with the given clock, without mac2. One per Initiator. */
    public byte[] initiation(long nowEpochMillis) {
        return initiation(nowEpochMillis, null, 0);
    }

    /**
     * Message type 1 (type 7 in password mode), timestamped with the given clock, with mac2 from {@code cookies} when it
     * holds a fresh cookie. Only one per Initiator.
     *
     * @param cookies the cookie of the socket or connection the message goes out on, or null
     */
    public synchronized byte[] initiation(long nowEpochMillis, CookieJar cookies, long nowNanos) {
        if (initiated) {
            throw new IllegalStateException("an Initiator sends one initiation; use a new one to retry");
        }
        initiated = true;
        boolean password = share != null;
        int shift = password ? SHARE_LENGTH : 0;
        byte[] message = new byte[password ? PASSWORD_INITIATION_LENGTH : INITIATION_LENGTH];
        message[0] = (byte) (password ? TYPE_PASSWORD_INITIATION : TYPE_INITIATION);
        Messages.writeIntLE(localIndex, message, INITIATION_SENDER_OFFSET);
        byte[] ephemeralPublic = ephemeral.publicKeyUnsafe();
        System.arraycopy(ephemeralPublic, 0, message, INITIATION_EPHEMERAL_OFFSET, ephemeralPublic.length);

        SymmetricState state = SymmetricState.initial(responderPublicKey, password)
                .mixHeader(message, 0, INITIATION_EPHEMERAL_OFFSET)
                .mixEphemeral(ephemeralPublic);
        if (password) {
            copy(share, message, Messages.INITIATION_SHARE_OFFSET);
            state = state.mixShare(share);
        }
        SymmetricState.Sealed encryptedStatic = state.mixKeyOfSharedSecret(ephemeralAgree(responderPublicKey))
                .encrypt(local.publicKeyUnsafe());
        copy(encryptedStatic.ciphertext(), message, INITIATION_STATIC_OFFSET + shift);
        SymmetricState.Sealed encryptedPayload = encryptedStatic.state().mixKeyOfSharedSecret(staticShared)
                .encrypt(PayloadCodec.encodeInitiation(nowEpochMillis, payload));
        copy(encryptedPayload.ciphertext(), message, INITIATION_PAYLOAD_OFFSET + shift);
        int mac1Offset = Messages.mac1Offset(message.length);
        responderMac1.write(message, mac1Offset);
        sentMac1 = Arrays.copyOfRange(message, mac1Offset, mac1Offset + Messages.MAC_LENGTH);
        if (cookies != null) cookies.writeMac2(message, Messages.mac2Offset(message.length), nowNanos);
        awaitingResponse = encryptedPayload.state();
        awaitingResponse.keepOnly();
        return message;
    }

    /**
     * Checks message type 2 (type 8 in password mode) and completes the handshake. In password mode a response that
     * fails with {@code decrypt-failed} came from a server with another password, or from someone posing as it; and
     * any response that got past mac1 spends this Initiator, whatever became of it: each response is one test of a
     * password against this attempt's CPace scalar, and an attempt may give only one (PROTOCOL.md 5.5).
     */
    public synchronized Result consumeResponse(byte[] buf, int off, int len) throws HandshakeException {
        if (awaitingResponse == null) {
            throw new HandshakeException(HandshakeException.UNEXPECTED_RESPONSE);
        }
        boolean password = share != null;
        if (len != (password ? PASSWORD_RESPONSE_LENGTH : RESPONSE_LENGTH)) {
            throw new HandshakeException(HandshakeException.BAD_LENGTH);
        }
        if (Messages.type(buf, off, len) != (password ? TYPE_PASSWORD_RESPONSE : TYPE_RESPONSE)) {
            throw new HandshakeException(HandshakeException.BAD_TYPE);
        }
        if (Messages.responseReceiverIndex(buf, off) != localIndex) {
            throw new HandshakeException(HandshakeException.WRONG_INDEX);
        }
        if (!ownMac1.valid(buf, off, Messages.mac1Offset(len))) {
            throw new HandshakeException(HandshakeException.BAD_MAC1);
        }
        if (!Mac2.isUnset(buf, off + Messages.mac2Offset(len))) {
            throw new HandshakeException(HandshakeException.BAD_MAC2);
        }
        if (!password) {
            try {
                return complete(buf, off, 0);
            } catch (HandshakeException | RuntimeException e) {
                // a forged response: the initiation still waits for the genuine one
                awaitingResponse.keepOnly();
                throw e;
            }
        }
        try {
            return complete(buf, off, SHARE_LENGTH);
        } catch (HandshakeException | RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** The part of {@link #consumeResponse} after mac1 and mac2: the Diffie-Hellman, CPace and the payload. */
    private Result complete(byte[] buf, int off, int shift) throws HandshakeException {
        boolean password = shift != 0;
        int remoteIndex = Messages.readIntLE(buf, off + RESPONSE_SENDER_OFFSET);
        byte[] responderEphemeral = Arrays.copyOfRange(buf, off + RESPONSE_EPHEMERAL_OFFSET,
                off + RESPONSE_EPHEMERAL_OFFSET + NoiseCrypto.DH_LENGTH);

        SymmetricState state = awaitingResponse.mixHeader(buf, off, RESPONSE_EPHEMERAL_OFFSET)
                .mixEphemeral(responderEphemeral);
        byte[] responderShare = null;
        if (password) {
            int at = off + Messages.RESPONSE_SHARE_OFFSET;
            responderShare = Arrays.copyOfRange(buf, at, at + SHARE_LENGTH);
            state = state.mixShare(responderShare);
        }
        state = state.mixSharedSecret(ephemeral.agree(responderEphemeral))
                .mixSharedSecret(local.agree(responderEphemeral));
        byte[] handshakePsk = password ? Cpace.psk(Cpace.isk(shareScalar, responderShare, share, responderShare)) : psk;
        SymmetricState.Opened opened;
        try {
            opened = state.mixKeyAndHash(handshakePsk)
                    .decrypt(buf, off + RESPONSE_PAYLOAD_OFFSET + shift, RESPONSE_PAYLOAD_LENGTH);
        } finally {
            if (password) Arrays.fill(handshakePsk, (byte) 0);
        }
        ResponsePayload response = PayloadCodec.decodeResponse(opened.plaintext());
        if (!payload.offers(response.cipherWireId())) {
            throw new HandshakeException(HandshakeException.BAD_PAYLOAD);
        }

        byte[][] transportKeys = opened.state().split();
        opened.state().wipe();
        ephemeral.wipe();
        Arrays.fill(staticShared, (byte) 0);
        if (shareScalar != null) Arrays.fill(shareScalar, (byte) 0);
        awaitingResponse = null;
        return new Result(new SessionKeys(transportKeys[0], transportKeys[1], localIndex, remoteIndex), response);
    }

    /**
     * Checks a cookie reply (type 3) to this Initiator's initiation and stores its cookie in {@code cookies}; the
     * caller then retries with a new Initiator, whose initiation carries mac2. Changes nothing when a check fails.
     */
    public synchronized void consumeCookieReply(byte[] buf, int off, int len, CookieJar cookies, long nowNanos)
            throws HandshakeException {
        if (awaitingResponse == null) {
            throw new HandshakeException(HandshakeException.UNEXPECTED_RESPONSE);
        }
        if (len != COOKIE_REPLY_LENGTH) {
            throw new HandshakeException(HandshakeException.BAD_LENGTH);
        }
        if (Messages.type(buf, off, len) != TYPE_COOKIE) {
            throw new HandshakeException(HandshakeException.BAD_TYPE);
        }
        if (Messages.cookieReceiverIndex(buf, off) != localIndex) {
            throw new HandshakeException(HandshakeException.WRONG_INDEX);
        }
        cookies.consume(buf, off, sentMac1, nowNanos);
    }

    /**
     * Erases this attempt's secrets (ephemeral private key, static DH result, the transcript's chaining key) when it
     * is given up for a retry or a stop; a response or cookie reply to it is unexpected from then on. Idempotent.
     */
    public synchronized void abandon() {
        ephemeral.wipe();
        Arrays.fill(staticShared, (byte) 0);
        if (shareScalar != null) Arrays.fill(shareScalar, (byte) 0);
        if (awaitingResponse != null) awaitingResponse.wipe();
        awaitingResponse = null;
    }

    /** The session and what the server pushed. */
    public record Result(SessionKeys keys, ResponsePayload payload) {
    }

    private byte[] ephemeralAgree(byte[] peerPublicKey) {
        try {
            return ephemeral.agree(peerPublicKey);
        } catch (HandshakeException e) {
            // The constructor already rejected a low-order responder key, and only those give an all-zero result.
            throw new IllegalStateException(e.reason());
        }
    }

    private static void copy(byte[] source, byte[] target, int offset) {
        System.arraycopy(source, 0, target, offset, source.length);
    }

    static byte[] requireKey(byte[] key, String what) {
        if (key == null || key.length != NoiseCrypto.KEY_LENGTH) {
            throw new IllegalArgumentException("the " + what + " has 32 bytes");
        }
        return key.clone();
    }
}
