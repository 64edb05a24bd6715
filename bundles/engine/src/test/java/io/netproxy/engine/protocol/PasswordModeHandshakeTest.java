package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.hex;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Password mode. Argon2id costs about half a second, so each password is derived once for the class. */
class PasswordModeHandshakeTest {
    private static final String PASSWORD = "correct horse battery staple";

    private static PasswordCredentials credentials;
    private static PasswordCredentials wrongCredentials;

    @BeforeAll
    static void deriveOnce() {
        credentials = PasswordCredentials.derive(PASSWORD.toCharArray());
        wrongCredentials = PasswordCredentials.derive("correct horse battery stapler".toCharArray());
    }

    private static Responder newResponder() {
        byte[] clientKey = credentials.clientIdentity().publicKey();
        return new Responder(credentials.serverIdentity(), credentials.psk(), key -> Arrays.equals(key, clientKey), true);
    }

    private static Initiator newInitiator(PasswordCredentials from, byte[] clientId, int index) {
        return new Initiator(from.clientIdentity(), from.serverIdentity().publicKey(), from.psk(), index,
                new InitiationPayload(clientId, new int[] {1, 2}));
    }

    @Test
    void derivationMatchesTheReferenceImplementation() {
        // Python: cryptography's Argon2id, then the same HKDF (see HandshakeKnownAnswerTest).
        assertArrayEquals(hex("ebd8f54efff7e812d5e56d8b4054669d93eebaeb8af6928ba60fd9ded252488e"), credentials.psk());
        assertArrayEquals(hex("a183e987fc36fd71c1ea17fc2eaaec9faaf39248c1fe442a75d79485df162f12"),
                credentials.serverIdentity().publicKey());
        assertArrayEquals(hex("84a955d5743d4a4fb0f86d3f16dfd4877f56052d8284375e4c1225f94a6e607d"),
                credentials.clientIdentity().publicKey());
    }

    @Test
    void differentPasswordsGiveUnrelatedKeys() {
        assertFalse(Arrays.equals(credentials.psk(), wrongCredentials.psk()));
        assertFalse(Arrays.equals(credentials.serverIdentity().publicKey(), wrongCredentials.serverIdentity().publicKey()));
        assertFalse(Arrays.equals(credentials.clientIdentity().publicKey(), wrongCredentials.clientIdentity().publicKey()));
    }

    @Test
    void roundTripGivesMatchingKeysAndPayloads() throws HandshakeException {
        Responder responder = newResponder();
        Initiator initiator = newInitiator(credentials, Fixtures.bytes(1, 16), 42);
        byte[] initiation = initiator.initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW + 1000);
        assertArrayEquals(Fixtures.bytes(1, 16), consumed.payload().clientId());
        ResponsePayload pushed = Fixtures.responsePayload();
        byte[] response = responder.respond(consumed, 99, pushed);
        Initiator.Result result = initiator.consumeResponse(response, 0, response.length);
        assertEquals(pushed, result.payload());
        SessionKeys serverKeys = responder.keys(consumed, 99);
        assertArrayEquals(result.keys().sendKey(), serverKeys.receiveKey());
        assertArrayEquals(result.keys().receiveKey(), serverKeys.sendKey());
    }

    @Test
    void clientsSharingTheKeyAreToldApartByClientId() throws HandshakeException {
        Responder responder = newResponder();
        byte[] alice = newInitiator(credentials, Fixtures.bytes(0x11, 16), 1).initiation(NOW);
        byte[] bob = newInitiator(credentials, Fixtures.bytes(0x22, 16), 2).initiation(NOW);
        assertNotNull(responder.consumeInitiation(alice, 0, alice.length, NOW));
        assertNotNull(responder.consumeInitiation(bob, 0, bob.length, NOW));
        assertReason(HandshakeException.REPLAYED, () -> responder.consumeInitiation(alice, 0, alice.length, NOW));
    }

    @Test
    void aWrongPasswordFailsTheCheapMac1Check() {
        Responder responder = newResponder();
        byte[] initiation = newInitiator(wrongCredentials, Fixtures.bytes(1, 16), 1).initiation(NOW);
        assertFalse(responder.mac1Valid(initiation, 0, initiation.length));
        assertReason(HandshakeException.BAD_MAC1, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void aWrongPasswordWithTheRightServerKeyIsAnUnknownPeer() {
        Responder responder = newResponder();
        byte[] initiation = new Initiator(wrongCredentials.clientIdentity(), credentials.serverIdentity().publicKey(),
                wrongCredentials.psk(), 1, Fixtures.initiationPayload()).initiation(NOW);
        assertReason(HandshakeException.UNKNOWN_PEER, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void timestampsFarFromTheServerClockAreStale() throws HandshakeException {
        Responder responder = newResponder();
        long skew = Responder.MAX_CLOCK_SKEW_MILLIS;
        byte[] past = newInitiator(credentials, Fixtures.bytes(1, 16), 1).initiation(NOW - skew - 1000);
        assertReason(HandshakeException.STALE_TIMESTAMP, () -> responder.consumeInitiation(past, 0, past.length, NOW));
        byte[] future = newInitiator(credentials, Fixtures.bytes(2, 16), 1).initiation(NOW + skew + 1000);
        assertReason(HandshakeException.STALE_TIMESTAMP, () -> responder.consumeInitiation(future, 0, future.length, NOW));
        byte[] nearEdge = newInitiator(credentials, Fixtures.bytes(3, 16), 1).initiation(NOW - skew + 1000);
        assertNotNull(responder.consumeInitiation(nearEdge, 0, nearEdge.length, NOW));
        // A stale message is not recorded: the same client can still connect with a fresh one.
        byte[] fresh = newInitiator(credentials, Fixtures.bytes(1, 16), 1).initiation(NOW);
        assertNotNull(responder.consumeInitiation(fresh, 0, fresh.length, NOW));
    }

    @Test
    void deriveRejectsAnEmptyOrMalformedPassword() {
        assertThrows(IllegalArgumentException.class, () -> PasswordCredentials.derive(new char[0]));
        assertThrows(IllegalArgumentException.class, () -> PasswordCredentials.derive(new char[] {'a', '\uD800'}));
    }
}
