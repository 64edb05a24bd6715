package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.bytes;
import static io.netproxy.engine.protocol.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole password-mode v2 handshake (types 7 and 8) with fixed keys, scalars, indices and clock, against bytes from an
 * independent implementation of PROTOCOL.md (Python: hashlib BLAKE2s, SHA-512 and HMAC, the cryptography package's
 * X25519, ChaCha20-Poly1305 and Argon2id, Elligator 2 from the CPace draft's formula). The inputs are those of
 * {@link HandshakeKnownAnswerTest} and {@link PasswordSecretsKnownAnswerTest}. If this fails, the wire format
 * changed.
 */
class PasswordHandshakeKnownAnswerTest {
    private static final StaticIdentity INITIATOR_STATIC = StaticIdentity.fromPrivateKey(bytes(1, 32));
    private static final int INITIATOR_INDEX = 0x11223344;
    private static final int RESPONDER_INDEX = 0x55667788;
    private static final long CLOCK = 1_700_000_000_123L;
    private static final String INITIATION = "070000004433221164b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd"
            + "128d9846d48466819418ebd203f1b8169eb53e35f3dea47e54b9a9647b44900a53c9f36c406c2f158a0e4ca242d151ca97ab"
            + "90159a98b67e616625e68b4065d357376b6598e644e6d0377638d03f3b91b7e0e0eb9c0abc36346bfa7cf42a122639f89380"
            + "6d1fa6248af32b1913e1fe9268c83265b59fad6d6d5241d0a917dcfde646fdba79a482483ecf46d2264558ec3eb429275e09"
            + "ae72c7047de100000000000000000000000000000000";
    private static final String RESPONSE = "080000008877665544332211244fe3b963e899dd295baffce248d3530f3a9a7479"
            + "ba063002680ebfe7adad4957af8cfc6e991749c26646c3529e8954e897e79d1e0a9018dd57141133ca5316df81e7d909babf"
            + "2b8aeece098f00390064e9d771b146552acd7e843037faf3824912be585cc6a7bface3e93c4f6fe0eae5edda960a4378f952"
            + "597bce10addf22f74b3a9c02655859c8a5c7d1f7d0e8d5fee2bc7ad2725b8489aa0994f82e480d8382395aa782b495080046"
            + "6ce112fbbe56705dcdc3f6247e460f46547145e8f34908b00f9544a569dafa1ea78e7ab3e600000000000000000000000000"
            + "000000";
    private static final String INITIATOR_SEND = "79e92e9824314b457d3b7429c874d7320673ebcd7610fd89b082736887ac1491";
    private static final String INITIATOR_RECEIVE = "90d3a29fb5faa2f6ddf73f1767ada3521e5d8a47db759377820cd3dcd02945d1";

    private static PasswordSecrets secrets;

    @BeforeAll
    static void stretch() {
        secrets = PasswordSecrets.of(PasswordSecrets.prs(PasswordSecretsKnownAnswerTest.PASSWORD.clone(),
                PasswordSecretsKnownAnswerTest.SALT), PasswordSecretsKnownAnswerTest.SERVER.publicKey());
    }

    @Test
    void bothMessagesAndTheSessionKeysMatchTheReference() throws HandshakeException {
        InitiationPayload initiationPayload = new InitiationPayload(bytes(0xA0, 16), new int[] {2, 1});
        Initiator initiator = Initiator.withPassword(INITIATOR_STATIC, secrets, INITIATOR_INDEX, initiationPayload,
                StaticIdentity.fromPrivateKey(bytes(0x41, 32)), PasswordSecretsKnownAnswerTest.YA_SCALAR.clone());
        byte[] initiation = initiator.initiation(CLOCK);
        assertArrayEquals(hex(INITIATION), initiation);

        Responder responder = new Responder(PasswordSecretsKnownAnswerTest.SERVER, secrets);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, CLOCK,
                PasswordSecretsKnownAnswerTest.YB_SCALAR.clone());
        assertEquals(initiationPayload, consumed.payload());
        Fixtures.assertKnownResponse(initiator, responder, consumed, RESPONDER_INDEX, RESPONSE, INITIATOR_SEND,
                INITIATOR_RECEIVE);
    }
}
