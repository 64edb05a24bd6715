package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.function.Executable;

/** Payloads and helpers shared by the handshake tests. */
final class Fixtures {
    static final byte[] ZERO_PSK = new byte[32];
    static final long NOW = 1_700_000_000_000L;

    private Fixtures() {
    }

    static InitiationPayload initiationPayload() {
        return new InitiationPayload(bytes(0x10, 16), new int[] {2, 1});
    }

    static ResponsePayload responsePayload() {
        return new ResponsePayload(2, new byte[] {10, 77, 0, 2}, 24, new byte[] {10, 77, 0, 1}, 1420, 10,
                List.of(new Route(new byte[] {0, 0, 0, 0}, 0), new Route(new byte[] {(byte) 192, (byte) 168, 7, 0}, 24)),
                List.of(new byte[] {1, 1, 1, 1}, new byte[] {9, 9, 9, 9}));
    }

    /** {@code length} bytes counting up from {@code first}. */
    static byte[] bytes(int first, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (first + i);
        }
        return out;
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** Recomputes mac1 so that a mutation reaches the checks behind it. */
    static void fixInitiationMac1(byte[] message, byte[] responderPublicKey) {
        new Mac1(responderPublicKey).write(message, Messages.INITIATION_MAC1_OFFSET);
    }

    static void fixResponseMac1(byte[] message, byte[] initiatorPublicKey) {
        new Mac1(initiatorPublicKey).write(message, Messages.RESPONSE_MAC1_OFFSET);
    }

    /** Asserts the action fails with a HandshakeException of exactly this reason. */
    static void assertReason(String reason, Executable action) {
        HandshakeException e = assertThrows(HandshakeException.class, action);
        assertEquals(reason, e.reason());
        assertEquals(reason, e.getMessage());
    }

    /**
     * Answers a known-answer initiation with the fixed ephemeral key {@code 61 62 .. 80} and checks the response's
     * bytes and both sides' session keys against the reference.
     */
    static void assertKnownResponse(Initiator initiator, Responder responder, Responder.Initiation consumed,
                                    int responderIndex, String response, String initiatorSend, String initiatorReceive)
            throws HandshakeException {
        byte[] message = responder.respond(consumed, responderIndex, responsePayload(),
                StaticIdentity.fromPrivateKey(bytes(0x61, 32)));
        assertArrayEquals(hex(response), message);
        Initiator.Result result = initiator.consumeResponse(message, 0, message.length);
        assertArrayEquals(hex(initiatorSend), result.keys().sendKey());
        assertArrayEquals(hex(initiatorReceive), result.keys().receiveKey());
        SessionKeys responderKeys = responder.keys(consumed, responderIndex);
        assertArrayEquals(hex(initiatorReceive), responderKeys.sendKey());
        assertArrayEquals(hex(initiatorSend), responderKeys.receiveKey());
    }
}
