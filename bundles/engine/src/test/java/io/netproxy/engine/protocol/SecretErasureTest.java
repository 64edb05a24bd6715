package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.ZERO_PSK;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md 5.3: Diffie-Hellman results, chaining keys and abandoned handshakes' secrets do not outlive their use.
 */
class SecretErasureTest {
    private final StaticIdentity server = StaticIdentity.generate();
    private final StaticIdentity client = StaticIdentity.generate();

    @Test
    void aSharedSecretIsErasedOnceMixedIn() {
        SymmetricState state = SymmetricState.initial(server.publicKey());
        byte[] secret = Fixtures.bytes(1, 32);
        state.mixSharedSecret(secret);
        assertArrayEquals(new byte[32], secret);
        byte[] another = Fixtures.bytes(2, 32);
        state.mixKeyOfSharedSecret(another);
        assertArrayEquals(new byte[32], another);
    }

    @Test
    void mixingASharedSecretGivesWhatMixingItWithoutErasureGives() {
        SymmetricState state = SymmetricState.initial(server.publicKey());
        SymmetricState.Keyed plain = state.mixKey(Fixtures.bytes(1, 32));
        SymmetricState.Keyed erasing = state.mixKeyOfSharedSecret(Fixtures.bytes(1, 32));
        assertArrayEquals(plain.key(), erasing.key());
        assertArrayEquals(plain.state().split()[0], erasing.state().split()[0]);
    }

    @Test
    void theChainingKeysAStepLeftBehindAreErasedAndTheOneThatWaitsIsKept() throws Exception {
        SymmetricState start = SymmetricState.initial(server.publicKey());
        SymmetricState ephemeral = start.mixEphemeral(Fixtures.bytes(1, 32));
        SymmetricState mixed = ephemeral.mixChainingKey(Fixtures.bytes(2, 32));
        SymmetricState.Keyed keyed = mixed.mixKey(Fixtures.bytes(3, 32));
        SymmetricState waiting = keyed.encrypt(Fixtures.bytes(4, 16)).state();
        byte[] waitingKey = chainingKey(waiting).clone();

        waiting.keepOnly();
        for (SymmetricState left : new SymmetricState[] {start, ephemeral, mixed}) {
            assertArrayEquals(new byte[32], chainingKey(left));
        }
        assertArrayEquals(waitingKey, chainingKey(waiting), "the state that waits for the next message keeps its key");
        waiting.wipe();
        assertArrayEquals(new byte[32], chainingKey(waiting));
    }

    @Test
    void aForgedResponseLeavesNoChainingKeyButTheOneTheGenuineResponseNeeds() throws Exception {
        Responder responder = new Responder(server, ZERO_PSK, key -> Arrays.equals(key, client.publicKey()));
        Initiator initiator = new Initiator(client, server.publicKey(), ZERO_PSK, 1, Fixtures.initiationPayload());
        byte[] initiation = initiator.initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        assertEquals(1, liveChainingKeys(consumed.state), "the responder keeps the one state it answers from");
        byte[] response = responder.respond(consumed, 2, Fixtures.responsePayload());
        assertEquals(0, liveChainingKeys(consumed.state), "none once the session keys are split off");

        SymmetricState waiting = awaitingResponse(initiator);
        assertEquals(1, liveChainingKeys(waiting));
        byte[] forged = response.clone();
        forged[Messages.RESPONSE_PAYLOAD_OFFSET] ^= 1; // the AEAD fails after both DHs
        new Mac1(client.publicKey()).write(forged, Messages.mac1Offset(forged.length));
        assertReason(HandshakeException.DECRYPT_FAILED, () -> initiator.consumeResponse(forged, 0, forged.length));
        assertEquals(1, liveChainingKeys(waiting), "what the forged response derived is erased");
        initiator.consumeResponse(response, 0, response.length);
        assertEquals(0, liveChainingKeys(waiting));
    }

    private static byte[] chainingKey(SymmetricState state) throws ReflectiveOperationException {
        Field field = SymmetricState.class.getDeclaredField("chainingKey");
        field.setAccessible(true);
        return (byte[]) field.get(state);
    }

    /** The chaining keys of a state's handshake that are not erased. */
    private static long liveChainingKeys(SymmetricState state) throws ReflectiveOperationException {
        Field chainField = SymmetricState.class.getDeclaredField("chain");
        chainField.setAccessible(true);
        Object chain = chainField.get(state);
        Field keysField = chain.getClass().getDeclaredField("keys");
        keysField.setAccessible(true);
        synchronized (chain) {
            return ((List<?>) keysField.get(chain)).stream().filter(key -> !Arrays.equals((byte[]) key, new byte[32])).count();
        }
    }

    private static SymmetricState awaitingResponse(Initiator initiator) throws ReflectiveOperationException {
        Field field = Initiator.class.getDeclaredField("awaitingResponse");
        field.setAccessible(true);
        return (SymmetricState) field.get(initiator);
    }

    @Test
    void anAbandonedInitiatorTakesNoResponseAndErasesItsEphemeralKey() throws HandshakeException {
        Responder responder = new Responder(server, ZERO_PSK, key -> Arrays.equals(key, client.publicKey()));
        StaticIdentity ephemeral = StaticIdentity.generate();
        Initiator initiator = new Initiator(client, server.publicKey(), ZERO_PSK, 1, Fixtures.initiationPayload(), ephemeral);
        byte[] initiation = initiator.initiation(NOW);
        byte[] response = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, NOW), 2,
                Fixtures.responsePayload());
        initiator.abandon();
        assertArrayEquals(new byte[32], ephemeral.privateKey());
        assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> initiator.consumeResponse(response, 0, response.length));
        initiator.abandon(); // idempotent
    }

    @Test
    void aDiscardedInitiationsChainingKeyIsGoneButAnAnsweredOnesKeysStay() throws HandshakeException {
        Responder responder = new Responder(server, ZERO_PSK, key -> true);
        Initiator initiator = new Initiator(client, server.publicKey(), ZERO_PSK, 1, Fixtures.initiationPayload());
        byte[] message = initiator.initiation(NOW);
        Responder.Initiation discarded = responder.consumeInitiation(message, 0, message.length, NOW);
        discarded.discard();
        // its chaining key is zeros now: an answer from it would be one anybody could open
        assertThrows(IllegalStateException.class, () -> responder.respond(discarded, 2, Fixtures.responsePayload()));

        Initiator second = new Initiator(client, server.publicKey(), ZERO_PSK, 3, Fixtures.initiationPayload());
        byte[] again = second.initiation(NOW + 20);
        Responder.Initiation answered = responder.consumeInitiation(again, 0, again.length, NOW + 20);
        byte[] good = responder.respond(answered, 4, Fixtures.responsePayload());
        answered.discard();
        SessionKeys keys = responder.keys(answered, 4);
        assertArrayEquals(second.consumeResponse(good, 0, good.length).keys().sendKey(), keys.receiveKey());
    }
}
