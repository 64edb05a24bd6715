package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Set;

/**
 * Responses as a client receives them (docs/fuzzing.md): raw datagrams addressed to the outstanding handshake, with
 * mac1 made valid at the fuzzer's choice, or responses that authenticate and carry a plaintext of the fuzzer's
 * choosing, which reaches the decoder of what the server pushes (address, routes, DNS, MTU). The contract: a
 * {@link HandshakeException} with a documented reason, or a session whose pushed settings are exactly what the
 * plaintext encodes, with a suite the client offered.
 */
class InitiatorFuzzTest {
    private static final StaticIdentity SERVER = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x01, 32));
    private static final StaticIdentity CLIENT = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x40, 32));
    private static final StaticIdentity CLIENT_EPHEMERAL = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x80, 32));
    private static final StaticIdentity SERVER_EPHEMERAL = StaticIdentity.fromPrivateKey(Fixtures.bytes(0xC0, 32));
    private static final int CLIENT_INDEX = 7;
    private static final Set<String> REASONS = Set.of(HandshakeException.BAD_LENGTH, HandshakeException.BAD_TYPE,
            HandshakeException.WRONG_INDEX, HandshakeException.BAD_MAC1, HandshakeException.BAD_MAC2,
            HandshakeException.BAD_KEY, HandshakeException.DECRYPT_FAILED, HandshakeException.BAD_PAYLOAD);

    /** What a password-mode response fails with once past mac1, which spends the Initiator. */
    private static final Set<String> SPENDING = Set.of(HandshakeException.BAD_KEY, HandshakeException.DECRYPT_FAILED,
            HandshakeException.BAD_PAYLOAD);
    /** Password mode's secrets from a fixed PRS: the fuzzer needs no Argon2id. */
    private static final PasswordSecrets SECRETS = PasswordSecrets.of(Fixtures.bytes(0xc0, 32), SERVER.publicKey());

    @FuzzTest
    void responses(FuzzedDataProvider data) throws HandshakeException {
        if (data.consumeBoolean()) {
            passwordResponse(data);
            return;
        }
        byte[] psk = data.consumeBoolean() ? Fixtures.ZERO_PSK : Fixtures.bytes(0x20, 32);
        // ephemeral keys of its own (the constructor's copies are wiped when a handshake completes)
        Initiator initiator = new Initiator(CLIENT, SERVER.publicKey(), psk, CLIENT_INDEX, Fixtures.initiationPayload(),
                StaticIdentity.fromPrivateKey(CLIENT_EPHEMERAL.privateKey()));
        byte[] initiation = initiator.initiation(NOW);
        if (data.consumeBoolean()) {
            rawDatagram(initiator, data);
        } else {
            Responder responder = new Responder(SERVER, psk, key -> true);
            chosenPlaintext(initiator, responder.consumeInitiation(initiation, 0, initiation.length, NOW), psk, data);
        }
    }

    private static void rawDatagram(Initiator initiator, FuzzedDataProvider data) {
        boolean address = data.consumeBoolean();
        boolean fixMac1 = data.consumeBoolean();
        byte[] buf = data.consumeRemainingAsBytes();
        if (buf.length == Messages.RESPONSE_LENGTH) {
            if (address) Messages.writeIntLE(CLIENT_INDEX, buf, Messages.RESPONSE_RECEIVER_OFFSET);
            if (fixMac1) new Mac1(CLIENT.publicKey()).write(buf, Messages.RESPONSE_MAC1_OFFSET);
        }
        try {
            Initiator.Result result = initiator.consumeResponse(buf, 0, buf.length);
            // only a genuine response (a seed) gets here
            assertEquals(Messages.readIntLE(buf, Messages.RESPONSE_SENDER_OFFSET), result.keys().remoteIndex());
        } catch (HandshakeException e) {
            assertTrue(REASONS.contains(e.reason()), e.reason());
        }
    }

    /**
     * Password mode: raw type-8 datagrams to an outstanding type 7, or the genuine response with bytes changed (the
     * share among them); only the genuine one is taken. A failure before the CPace step leaves the handshake able to
     * take it; one after spends the attempt, so that it tests one password at most.
     */
    private static void passwordResponse(FuzzedDataProvider data) throws HandshakeException {
        Initiator initiator = Initiator.withPassword(CLIENT, SECRETS, CLIENT_INDEX, Fixtures.initiationPayload(),
                StaticIdentity.fromPrivateKey(CLIENT_EPHEMERAL.privateKey()), Fixtures.bytes(0x60, 32));
        byte[] initiation = initiator.initiation(NOW);
        Responder responder = new Responder(SERVER, SECRETS);
        byte[] genuine = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, NOW), 9,
                Fixtures.responsePayload());
        byte[] buf;
        if (data.consumeBoolean()) {
            buf = genuine.clone();
            int changes = data.consumeInt(1, 4);
            for (int i = 0; i < changes; i++) buf[data.consumeInt(0, buf.length - 1)] ^= (byte) data.consumeInt(1, 255);
            if (data.consumeBoolean()) new Mac1(CLIENT.publicKey()).write(buf, Messages.mac1Offset(buf.length));
        } else {
            buf = data.consumeRemainingAsBytes();
            if (buf.length == Messages.PASSWORD_RESPONSE_LENGTH) {
                Messages.writeIntLE(CLIENT_INDEX, buf, Messages.RESPONSE_RECEIVER_OFFSET);
                new Mac1(CLIENT.publicKey()).write(buf, Messages.mac1Offset(buf.length));
            }
        }
        String reason;
        try {
            initiator.consumeResponse(buf, 0, buf.length);
            assertTrue(Arrays.equals(genuine, buf), "only the genuine response is taken");
            return;
        } catch (HandshakeException e) {
            reason = e.reason();
            assertTrue(REASONS.contains(reason), reason);
        }
        if (SPENDING.contains(reason)) {
            // it got past mac1: the attempt is spent, so that it tests one password at most
            Fixtures.assertReason(HandshakeException.UNEXPECTED_RESPONSE,
                    () -> initiator.consumeResponse(genuine, 0, genuine.length));
        } else {
            assertEquals(9, initiator.consumeResponse(genuine, 0, genuine.length).keys().remoteIndex(),
                    "the genuine response still completes the handshake");
        }
    }

    private static void chosenPlaintext(Initiator initiator, Responder.Initiation initiation, byte[] psk,
                                        FuzzedDataProvider data) throws HandshakeException {
        int serverIndex = data.consumeInt();
        byte[] plaintext = Arrays.copyOf(data.consumeRemainingAsBytes(), PayloadCodec.RESPONSE_PLAINTEXT_LENGTH);
        byte[] message = SealedPlaintexts.response(initiation, SERVER_EPHEMERAL, psk, serverIndex, plaintext);

        ResponsePayload expected = null;
        String expectedReason = null;
        try {
            expected = PayloadCodec.decodeResponse(plaintext);
            if (!Fixtures.initiationPayload().offers(expected.cipherWireId())) expectedReason = HandshakeException.BAD_PAYLOAD;
        } catch (HandshakeException e) {
            expectedReason = e.reason();
        }
        try {
            Initiator.Result result = initiator.consumeResponse(message, 0, message.length);
            assertNull(expectedReason, "accepted a response that should fail with " + expectedReason);
            assertEquals(expected, result.payload());
            assertEquals(serverIndex, result.keys().remoteIndex());
            assertEquals(CLIENT_INDEX, result.keys().localIndex());
        } catch (HandshakeException e) {
            assertEquals(expectedReason, e.reason());
            return;
        }
        Fixtures.assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> initiator.consumeResponse(message, 0, message.length));
    }
}
