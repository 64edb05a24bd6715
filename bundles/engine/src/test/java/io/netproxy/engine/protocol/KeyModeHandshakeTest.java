package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.ZERO_PSK;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The handshake with per-peer static keys: round trip, authentication failures, replay and tampering. */
class KeyModeHandshakeTest {
    private static final int CLIENT_INDEX = 7;
    private static final int SERVER_INDEX = 0xCAFEBABE;

    private final StaticIdentity server = StaticIdentity.generate();
    private final StaticIdentity client = StaticIdentity.generate();
    private final Responder responder = new Responder(server, ZERO_PSK, key -> Arrays.equals(key, client.publicKey()));

    private Initiator newInitiator() {
        return new Initiator(client, server.publicKey(), ZERO_PSK, CLIENT_INDEX, Fixtures.initiationPayload());
    }

    @Test
    void roundTripGivesMatchingKeysAndCarriesBothPayloads() throws HandshakeException {
        Initiator initiator = newInitiator();
        byte[] initiation = initiator.initiation(NOW);
        assertEquals(Messages.INITIATION_LENGTH, initiation.length);
        assertEquals(Messages.TYPE_INITIATION, Messages.type(initiation, 0, initiation.length));
        assertTrue(responder.mac1Valid(initiation, 0, initiation.length));

        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        assertEquals(CLIENT_INDEX, consumed.senderIndex());
        assertArrayEquals(client.publicKey(), consumed.initiatorPublicKey());
        assertEquals(Fixtures.initiationPayload(), consumed.payload());

        byte[] response = responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        assertEquals(Messages.RESPONSE_LENGTH, response.length);
        assertEquals(Messages.TYPE_RESPONSE, Messages.type(response, 0, response.length));
        assertEquals(CLIENT_INDEX, Messages.receiverIndex(response, 0));
        SessionKeys serverKeys = responder.keys(consumed, SERVER_INDEX);

        Initiator.Result result = initiator.consumeResponse(response, 0, response.length);
        assertEquals(Fixtures.responsePayload(), result.payload());
        SessionKeys clientKeys = result.keys();
        assertArrayEquals(clientKeys.sendKey(), serverKeys.receiveKey());
        assertArrayEquals(clientKeys.receiveKey(), serverKeys.sendKey());
        assertFalse(Arrays.equals(clientKeys.sendKey(), clientKeys.receiveKey()));
        assertEquals(CLIENT_INDEX, clientKeys.localIndex());
        assertEquals(SERVER_INDEX, clientKeys.remoteIndex());
        assertEquals(SERVER_INDEX, serverKeys.localIndex());
        assertEquals(CLIENT_INDEX, serverKeys.remoteIndex());
    }

    @Test
    void messagesWorkAtAnOffsetInsideALargerBuffer() throws HandshakeException {
        Initiator initiator = newInitiator();
        byte[] initiation = initiator.initiation(NOW);
        byte[] padded = new byte[initiation.length + 40];
        System.arraycopy(initiation, 0, padded, 20, initiation.length);
        Responder.Initiation consumed = responder.consumeInitiation(padded, 20, initiation.length, NOW);
        byte[] response = responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        byte[] paddedResponse = new byte[response.length + 9];
        System.arraycopy(response, 0, paddedResponse, 9, response.length);
        assertNotNull(initiator.consumeResponse(paddedResponse, 9, response.length));
    }

    @Test
    void aWrongPskIsOnlyDetectableByTheInitiator() throws HandshakeException {
        // IKpsk2 mixes the psk in at message 2, so the responder cannot tell; the client never gets a session.
        byte[] otherPsk = Fixtures.bytes(1, 32);
        Initiator initiator = new Initiator(client, server.publicKey(), otherPsk, CLIENT_INDEX, Fixtures.initiationPayload());
        byte[] initiation = initiator.initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        byte[] response = responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        assertReason(HandshakeException.DECRYPT_FAILED, () -> initiator.consumeResponse(response, 0, response.length));
    }

    @Test
    void anUnknownClientKeyIsRejected() {
        StaticIdentity stranger = StaticIdentity.generate();
        byte[] initiation = new Initiator(stranger, server.publicKey(), ZERO_PSK, 1, Fixtures.initiationPayload())
                .initiation(NOW);
        assertReason(HandshakeException.UNKNOWN_PEER, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void anInitiationForAnotherServerFailsMac1BeforeAnyDiffieHellman() {
        byte[] initiation = new Initiator(client, StaticIdentity.generate().publicKey(), ZERO_PSK, 1,
                Fixtures.initiationPayload()).initiation(NOW);
        assertFalse(responder.mac1Valid(initiation, 0, initiation.length));
        assertReason(HandshakeException.BAD_MAC1, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void aReplayedInitiationIsRejected() throws HandshakeException {
        byte[] initiation = newInitiator().initiation(NOW);
        responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        assertReason(HandshakeException.REPLAYED, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void onlyStrictlyNewerTimestampsAreAcceptedPerKey() throws HandshakeException {
        byte[] first = newInitiator().initiation(NOW);
        responder.consumeInitiation(first, 0, first.length, NOW);
        // Within the same ~16.8 ms TAI64N bucket, and earlier: both look like replays.
        byte[] sameBucket = newInitiator().initiation(NOW + 1);
        assertReason(HandshakeException.REPLAYED, () -> responder.consumeInitiation(sameBucket, 0, sameBucket.length, NOW));
        byte[] older = newInitiator().initiation(NOW - 60_000);
        assertReason(HandshakeException.REPLAYED, () -> responder.consumeInitiation(older, 0, older.length, NOW));
        byte[] later = newInitiator().initiation(NOW + 5_000);
        assertNotNull(responder.consumeInitiation(later, 0, later.length, NOW));

        // In key mode the key is the client: another client id does not open a second history, so a key holder
        // cannot replay old initiations (or flush the table) by inventing ids.
        byte[] otherClientId = new Initiator(client, server.publicKey(), ZERO_PSK, 9,
                new InitiationPayload(Fixtures.bytes(0x70, 16), new int[] {1})).initiation(NOW - 60_000);
        assertReason(HandshakeException.REPLAYED,
                () -> responder.consumeInitiation(otherClientId, 0, otherClientId.length, NOW));
    }

    @Test
    void keyModeDoesNotLimitClockSkew() throws HandshakeException {
        byte[] initiation = newInitiator().initiation(NOW - 24 * 3600_000L);
        assertNotNull(responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void everySingleByteFlipOfTheInitiationIsRejected() throws HandshakeException {
        byte[] initiation = newInitiator().initiation(NOW);
        InetSocketAddress source = new InetSocketAddress("192.0.2.2", 51820);
        for (int i = 0; i < initiation.length; i++) {
            for (int bit = 0; bit < 8; bit += 7) {
                byte[] tampered = initiation.clone();
                tampered[i] ^= (byte) (1 << bit);
                int at = i;
                if (i < Messages.INITIATION_MAC2_OFFSET) {
                    assertThrows(HandshakeException.class, () -> responder.consumeInitiation(tampered, 0, tampered.length,
                            NOW), () -> "byte " + at);
                } else {
                    // mac2 is the engine's check, made only under load: a forged one is no cookie
                    assertEquals(Responder.Mac2Check.INVALID, responder.checkMac2(tampered, 0, source, 0), "byte " + at);
                }
            }
        }
        // None of that consumed the genuine message's timestamp.
        assertNotNull(responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void tamperingBehindAValidMac1FailsDecryptionIncludingTheIndex() {
        // mac1 is no authentication (anyone with the public key computes it); the AEAD tags are.
        byte[] initiation = newInitiator().initiation(NOW);
        for (int i = Messages.INITIATION_SENDER_OFFSET; i < Messages.INITIATION_MAC1_OFFSET; i++) {
            byte[] tampered = initiation.clone();
            tampered[i] ^= 0x20;
            Fixtures.fixInitiationMac1(tampered, server.publicKey());
            assertReason(HandshakeException.DECRYPT_FAILED,
                    () -> responder.consumeInitiation(tampered, 0, tampered.length, NOW));
        }
    }

    @Test
    void aLowOrderEphemeralIsRejectedAsABadKey() {
        byte[] initiation = newInitiator().initiation(NOW);
        Arrays.fill(initiation, Messages.INITIATION_EPHEMERAL_OFFSET, Messages.INITIATION_EPHEMERAL_OFFSET + 32, (byte) 0);
        Fixtures.fixInitiationMac1(initiation, server.publicKey());
        assertReason(HandshakeException.BAD_KEY, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void everySingleByteFlipOfTheResponseIsRejectedAndTheGenuineOneStillCompletes() throws HandshakeException {
        Initiator initiator = newInitiator();
        byte[] initiation = initiator.initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        byte[] response = responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        for (int i = 0; i < response.length; i++) {
            byte[] tampered = response.clone();
            tampered[i] ^= 0x01;
            int at = i;
            assertThrows(HandshakeException.class, () -> initiator.consumeResponse(tampered, 0, tampered.length),
                    () -> "byte " + at);
        }
        for (int i = Messages.RESPONSE_SENDER_OFFSET; i < Messages.RESPONSE_MAC1_OFFSET; i += 3) {
            if (i >= Messages.RESPONSE_RECEIVER_OFFSET && i < Messages.RESPONSE_EPHEMERAL_OFFSET) {
                continue; // a changed receiver index is reported as wrong-index
            }
            byte[] tampered = response.clone();
            tampered[i] ^= 0x01;
            Fixtures.fixResponseMac1(tampered, client.publicKey());
            assertReason(HandshakeException.DECRYPT_FAILED, () -> initiator.consumeResponse(tampered, 0, tampered.length));
        }
        assertNotNull(initiator.consumeResponse(response, 0, response.length));
        assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> initiator.consumeResponse(response, 0, response.length));
    }

    @Test
    void aResponseToAnotherHandshakeIsRejectedByIndex() throws HandshakeException {
        Initiator first = newInitiator();
        byte[] initiation = first.initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        byte[] response = responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        Initiator retry = new Initiator(client, server.publicKey(), ZERO_PSK, CLIENT_INDEX + 1, Fixtures.initiationPayload());
        retry.initiation(NOW + 5_000);
        assertReason(HandshakeException.WRONG_INDEX, () -> retry.consumeResponse(response, 0, response.length));
    }

    @Test
    void aResponseBeforeAnyInitiationIsUnexpected() {
        Initiator initiator = newInitiator();
        byte[] garbage = new byte[Messages.RESPONSE_LENGTH];
        assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> initiator.consumeResponse(garbage, 0, garbage.length));
    }

    @Test
    void truncatedAndOversizedMessagesAreRejectedByLength() throws HandshakeException {
        Initiator initiator = newInitiator();
        byte[] initiation = initiator.initiation(NOW);
        byte[] longer = Arrays.copyOf(initiation, initiation.length + 1);
        assertReason(HandshakeException.BAD_LENGTH, () -> responder.consumeInitiation(initiation, 0, initiation.length - 1, NOW));
        assertReason(HandshakeException.BAD_LENGTH, () -> responder.consumeInitiation(longer, 0, longer.length, NOW));
        assertReason(HandshakeException.BAD_LENGTH, () -> responder.consumeInitiation(initiation, 0, 0, NOW));
        assertFalse(responder.mac1Valid(initiation, 0, initiation.length - 1));

        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        byte[] response = responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        byte[] longerResponse = Arrays.copyOf(response, response.length + 16);
        assertReason(HandshakeException.BAD_LENGTH, () -> initiator.consumeResponse(response, 0, response.length - 1));
        assertReason(HandshakeException.BAD_LENGTH, () -> initiator.consumeResponse(longerResponse, 0, longerResponse.length));
        assertReason(HandshakeException.BAD_TYPE, () -> initiator.consumeResponse(initiation, 0, Messages.RESPONSE_LENGTH));
    }

    @Test
    void aResponderAnswersEachInitiationOnceAndOnlyWithAnOfferedSuite() throws HandshakeException {
        byte[] initiation = new Initiator(client, server.publicKey(), ZERO_PSK, 1,
                new InitiationPayload(Fixtures.bytes(0, 16), new int[] {1})).initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        assertThrows(IllegalStateException.class, () -> responder.keys(consumed, SERVER_INDEX));
        assertThrows(IllegalArgumentException.class,
                () -> responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload())); // suite 2 not offered
        ResponsePayload chacha = new ResponsePayload(1, new byte[4], 32, new byte[4], 1400, 0, java.util.List.of(),
                java.util.List.of());
        responder.respond(consumed, SERVER_INDEX, chacha);
        assertThrows(IllegalStateException.class, () -> responder.respond(consumed, SERVER_INDEX, chacha));
        assertThrows(IllegalArgumentException.class, () -> responder.keys(consumed, SERVER_INDEX + 1));
    }

    @Test
    void anInitiatorSendsOneInitiationAndRefusesALowOrderServerKey() {
        Initiator initiator = newInitiator();
        initiator.initiation(NOW);
        assertThrows(IllegalStateException.class, () -> initiator.initiation(NOW));
        assertThrows(IllegalArgumentException.class,
                () -> new Initiator(client, new byte[32], ZERO_PSK, 1, Fixtures.initiationPayload()));
    }

    @Test
    void sessionKeysCanBeWipedAndNeverPrintKeys() throws HandshakeException {
        Initiator initiator = newInitiator();
        byte[] initiation = initiator.initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        responder.respond(consumed, SERVER_INDEX, Fixtures.responsePayload());
        SessionKeys keys = responder.keys(consumed, SERVER_INDEX);
        assertFalse(keys.toString().contains(java.util.HexFormat.of().formatHex(keys.sendKey())));
        keys.wipe();
        assertArrayEquals(new byte[32], keys.sendKey());
        assertArrayEquals(new byte[32], keys.receiveKey());
    }
}
