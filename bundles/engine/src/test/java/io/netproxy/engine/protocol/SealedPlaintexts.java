package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Messages.INITIATION_EPHEMERAL_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_LENGTH;
import static io.netproxy.engine.protocol.Messages.INITIATION_MAC1_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_PAYLOAD_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_SENDER_OFFSET;
import static io.netproxy.engine.protocol.Messages.INITIATION_STATIC_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_EPHEMERAL_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_LENGTH;
import static io.netproxy.engine.protocol.Messages.RESPONSE_MAC1_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_PAYLOAD_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_RECEIVER_OFFSET;
import static io.netproxy.engine.protocol.Messages.RESPONSE_SENDER_OFFSET;

/**
 * Handshake messages that authenticate but carry a plaintext of the fuzzer's choosing: the steps of
 * {@link Initiator#initiation} and {@link Responder#respond} with the payload encoding left out, so that a fuzz
 * test reaches the payload decoders behind the AEAD, as only a peer holding the keys could.
 */
final class SealedPlaintexts {
    private SealedPlaintexts() {}

    /** A message type 1 from {@code initiator} to {@code responderPublicKey} whose encrypted payload is {@code plaintext}. */
    static byte[] initiation(StaticIdentity initiator, StaticIdentity ephemeral, byte[] responderPublicKey, int senderIndex,
                             byte[] plaintext) throws HandshakeException {
        byte[] message = new byte[INITIATION_LENGTH];
        message[0] = Messages.TYPE_INITIATION;
        Messages.writeIntLE(senderIndex, message, INITIATION_SENDER_OFFSET);
        byte[] ephemeralPublic = ephemeral.publicKey();
        System.arraycopy(ephemeralPublic, 0, message, INITIATION_EPHEMERAL_OFFSET, ephemeralPublic.length);
        SymmetricState.Sealed encryptedStatic = SymmetricState.initial(responderPublicKey)
                .mixHeader(message, 0, INITIATION_EPHEMERAL_OFFSET)
                .mixEphemeral(ephemeralPublic)
                .mixKey(ephemeral.agree(responderPublicKey))
                .encrypt(initiator.publicKey());
        System.arraycopy(encryptedStatic.ciphertext(), 0, message, INITIATION_STATIC_OFFSET, encryptedStatic.ciphertext().length);
        byte[] payload = encryptedStatic.state().mixKey(initiator.agree(responderPublicKey)).encrypt(plaintext).ciphertext();
        System.arraycopy(payload, 0, message, INITIATION_PAYLOAD_OFFSET, payload.length);
        new Mac1(responderPublicKey).write(message, INITIATION_MAC1_OFFSET);
        return message;
    }

    /** A message type 2 answering {@code initiation} whose encrypted payload is {@code plaintext}. */
    static byte[] response(Responder.Initiation initiation, StaticIdentity ephemeral, byte[] psk, int senderIndex,
                           byte[] plaintext) throws HandshakeException {
        byte[] message = new byte[RESPONSE_LENGTH];
        message[0] = Messages.TYPE_RESPONSE;
        Messages.writeIntLE(senderIndex, message, RESPONSE_SENDER_OFFSET);
        Messages.writeIntLE(initiation.senderIndex, message, RESPONSE_RECEIVER_OFFSET);
        byte[] ephemeralPublic = ephemeral.publicKey();
        System.arraycopy(ephemeralPublic, 0, message, RESPONSE_EPHEMERAL_OFFSET, ephemeralPublic.length);
        byte[] payload = initiation.state.mixHeader(message, 0, RESPONSE_EPHEMERAL_OFFSET)
                .mixEphemeral(ephemeralPublic)
                .mixChainingKey(ephemeral.agree(initiation.initiatorEphemeral))
                .mixChainingKey(ephemeral.agree(initiation.initiatorPublicKey))
                .mixKeyAndHash(psk)
                .encrypt(plaintext).ciphertext();
        System.arraycopy(payload, 0, message, RESPONSE_PAYLOAD_OFFSET, payload.length);
        new Mac1(initiation.initiatorPublicKey).write(message, RESPONSE_MAC1_OFFSET);
        return message;
    }

    /**
     * A message type 7 from {@code initiator} whose CPace share is {@code share}, whatever point that is, and whose
     * encrypted payload is {@code plaintext}.
     */
    static byte[] passwordInitiation(StaticIdentity initiator, StaticIdentity ephemeral, PasswordSecrets secrets,
                                     byte[] share, int senderIndex, byte[] plaintext) throws HandshakeException {
        byte[] server = secrets.serverPublicKey();
        byte[] message = new byte[Messages.PASSWORD_INITIATION_LENGTH];
        message[0] = Messages.TYPE_PASSWORD_INITIATION;
        Messages.writeIntLE(senderIndex, message, INITIATION_SENDER_OFFSET);
        System.arraycopy(ephemeral.publicKey(), 0, message, INITIATION_EPHEMERAL_OFFSET, 32);
        System.arraycopy(share, 0, message, Messages.INITIATION_SHARE_OFFSET, Messages.SHARE_LENGTH);
        SymmetricState.Sealed encryptedStatic = SymmetricState.initial(server, true)
                .mixHeader(message, 0, INITIATION_EPHEMERAL_OFFSET)
                .mixEphemeral(ephemeral.publicKey())
                .mixShare(share)
                .mixKey(ephemeral.agree(server))
                .encrypt(initiator.publicKey());
        int shift = Messages.SHARE_LENGTH;
        System.arraycopy(encryptedStatic.ciphertext(), 0, message, INITIATION_STATIC_OFFSET + shift, 48);
        byte[] payload = encryptedStatic.state().mixKey(initiator.agree(server)).encrypt(plaintext).ciphertext();
        System.arraycopy(payload, 0, message, INITIATION_PAYLOAD_OFFSET + shift, payload.length);
        new Mac1(server).write(message, Messages.mac1Offset(message.length));
        return message;
    }
}
