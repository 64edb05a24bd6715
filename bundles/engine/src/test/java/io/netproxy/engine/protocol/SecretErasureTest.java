package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.ZERO_PSK;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** PROTOCOL.md 5.3: Diffie-Hellman results and abandoned handshakes' secrets do not outlive their use. */
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
