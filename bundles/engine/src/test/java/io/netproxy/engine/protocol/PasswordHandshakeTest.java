package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password mode v2 (types 7 and 8): the password is checked by CPace, so a wrong one is noticed by the client, which
 * cannot open the response, and never by a cheap check anyone could run offline. Argon2id costs about half a second,
 * so each password is stretched once for the class.
 */
class PasswordHandshakeTest {
    private static final StaticIdentity SERVER = StaticIdentity.generate();
    private static final byte[] SALT = Fixtures.bytes(0x40, 16);
    private static final byte[] LOW_ORDER_POINT = Fixtures.hex(
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");

    private static PasswordSecrets secrets;
    private static PasswordSecrets wrongPassword;

    @BeforeAll
    static void stretchOnce() {
        secrets = PasswordSecrets.of(PasswordSecrets.prs("correct horse battery staple".toCharArray(), SALT),
                SERVER.publicKey());
        wrongPassword = PasswordSecrets.of(PasswordSecrets.prs("correct horse battery stapler".toCharArray(), SALT),
                SERVER.publicKey());
    }

    private static Initiator initiator(PasswordSecrets with, StaticIdentity client, int index) {
        return Initiator.withPassword(client, with, index, Fixtures.initiationPayload());
    }

    @Test
    void roundTripGivesMatchingKeysAndPayloads() throws HandshakeException {
        Responder responder = new Responder(SERVER, secrets);
        Initiator initiator = initiator(secrets, StaticIdentity.generate(), 42);
        byte[] initiation = initiator.initiation(NOW);
        assertEquals(Messages.PASSWORD_INITIATION_LENGTH, initiation.length);
        assertEquals(Messages.TYPE_PASSWORD_INITIATION, Messages.type(initiation, 0, initiation.length));
        assertTrue(responder.mac1Valid(initiation, 0, initiation.length));
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW + 1000);
        ResponsePayload pushed = Fixtures.responsePayload();
        byte[] response = responder.respond(consumed, 99, pushed);
        assertEquals(Messages.PASSWORD_RESPONSE_LENGTH, response.length);
        assertEquals(Messages.TYPE_PASSWORD_RESPONSE, Messages.type(response, 0, response.length));
        assertEquals(42, Messages.receiverIndex(response, 0));

        Initiator.Result result = initiator.consumeResponse(response, 0, response.length);
        assertEquals(pushed, result.payload());
        SessionKeys serverKeys = responder.keys(consumed, 99);
        assertArrayEquals(result.keys().sendKey(), serverKeys.receiveKey());
        assertArrayEquals(result.keys().receiveKey(), serverKeys.sendKey());
    }

    /** The server cannot tell at message 1; the client cannot open the response, whoever of the two is wrong. */
    @Test
    void aWrongPasswordIsNoticedByTheClientOnly() throws HandshakeException {
        Responder responder = new Responder(SERVER, secrets);
        Initiator initiator = initiator(wrongPassword, StaticIdentity.generate(), 1);
        byte[] initiation = initiator.initiation(NOW);
        assertTrue(responder.mac1Valid(initiation, 0, initiation.length), "mac1 is keyed by the public server key");
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, NOW);
        byte[] response = responder.respond(consumed, 2, Fixtures.responsePayload());
        assertReason(HandshakeException.DECRYPT_FAILED, () -> initiator.consumeResponse(response, 0, response.length));
    }

    @Test
    void clientsAreToldApartByTheirOwnKeys() throws HandshakeException {
        Responder responder = new Responder(SERVER, secrets);
        StaticIdentity alice = StaticIdentity.generate();
        byte[] fromAlice = initiator(secrets, alice, 1).initiation(NOW);
        byte[] fromBob = initiator(secrets, StaticIdentity.generate(), 2).initiation(NOW);
        Responder.Initiation consumed = responder.consumeInitiation(fromAlice, 0, fromAlice.length, NOW);
        assertArrayEquals(alice.publicKey(), consumed.initiatorPublicKey());
        assertNotNull(responder.consumeInitiation(fromBob, 0, fromBob.length, NOW));
        assertReason(HandshakeException.REPLAYED, () -> responder.consumeInitiation(fromAlice, 0, fromAlice.length, NOW));
    }

    @Test
    void staleTimestampsAreRefused() {
        Responder responder = new Responder(SERVER, secrets);
        byte[] past = initiator(secrets, StaticIdentity.generate(), 1).initiation(NOW - Responder.MAX_CLOCK_SKEW_MILLIS - 1000);
        assertReason(HandshakeException.STALE_TIMESTAMP, () -> responder.consumeInitiation(past, 0, past.length, NOW));
    }

    /** A share on a low-order point would make K known whatever the password: both sides abort. */
    @Test
    void lowOrderSharesAreRefused() throws HandshakeException {
        Responder responder = new Responder(SERVER, secrets);
        StaticIdentity client = StaticIdentity.generate();
        byte[] initiation = SealedPlaintexts.passwordInitiation(client, StaticIdentity.generate(), secrets, LOW_ORDER_POINT,
                1, PayloadCodec.encodeInitiation(NOW, Fixtures.initiationPayload()));
        assertReason(HandshakeException.BAD_KEY, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));

        Initiator initiator = initiator(secrets, client, 7);
        byte[] genuine = initiator.initiation(NOW + Initiator.TIMESTAMP_STEP_MILLIS);
        byte[] response = responder.respond(responder.consumeInitiation(genuine, 0, genuine.length, NOW), 8,
                Fixtures.responsePayload());
        byte[] forged = response.clone();
        System.arraycopy(LOW_ORDER_POINT, 0, forged, Messages.RESPONSE_SHARE_OFFSET, Messages.SHARE_LENGTH);
        new Mac1(client.publicKey()).write(forged, Messages.mac1Offset(forged.length));
        assertReason(HandshakeException.BAD_KEY, () -> initiator.consumeResponse(forged, 0, forged.length));
        // one response per attempt reaches CPace: a second would be a second password test against the same scalar
        assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> initiator.consumeResponse(response, 0, response.length));
    }

    /**
     * The server's key is in CPace's channel identifier: the same password gives another generator with another key,
     * so a responder on another key than the client's cannot answer it, even if it knows the password.
     */
    @Test
    void aResponderWithAnotherKeyCannotAnswer() throws HandshakeException {
        StaticIdentity impostor = StaticIdentity.generate();
        assertThrows(IllegalArgumentException.class, () -> new Responder(impostor, secrets));
        PasswordSecrets impostorSecrets = PasswordSecrets.of(
                PasswordSecrets.prs("correct horse battery staple".toCharArray(), SALT), impostor.publicKey());
        assertFalse(java.util.Arrays.equals(secrets.generatorUnsafe(), impostorSecrets.generatorUnsafe()));
        Responder responder = new Responder(impostor, impostorSecrets);
        byte[] initiation = initiator(secrets, StaticIdentity.generate(), 1).initiation(NOW);
        assertFalse(responder.mac1Valid(initiation, 0, initiation.length));
        assertReason(HandshakeException.BAD_MAC1, () -> responder.consumeInitiation(initiation, 0, initiation.length, NOW));
    }

    @Test
    void keyModeAndPasswordModeMessagesAreNotMistakenForEachOther() {
        Responder keyMode = new Responder(SERVER, new byte[32], key -> true);
        Responder passwordMode = new Responder(SERVER, secrets);
        byte[] v2 = initiator(secrets, StaticIdentity.generate(), 1).initiation(NOW);
        byte[] v1 = new Initiator(StaticIdentity.generate(), SERVER.publicKey(), new byte[32], 1,
                Fixtures.initiationPayload()).initiation(NOW);
        assertFalse(keyMode.mac1Valid(v2, 0, v2.length));
        assertFalse(passwordMode.mac1Valid(v1, 0, v1.length));
        assertReason(HandshakeException.BAD_LENGTH, () -> keyMode.consumeInitiation(v2, 0, v2.length, NOW));
        assertReason(HandshakeException.BAD_LENGTH, () -> passwordMode.consumeInitiation(v1, 0, v1.length, NOW));
    }

    @Test
    void wipedSecretsCannotStartAHandshake() {
        PasswordSecrets wiped = PasswordSecrets.of(new byte[32], SERVER.publicKey());
        wiped.wipe();
        assertThrows(IllegalArgumentException.class,
                () -> Initiator.withPassword(StaticIdentity.generate(), wiped, 1, Fixtures.initiationPayload()));
    }
}
