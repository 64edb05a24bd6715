package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.ZERO_PSK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Set;

/**
 * Initiations as a server receives them from anyone (docs/fuzzing.md). Either the raw bytes of a datagram, with mac1
 * made valid at the fuzzer's choice so that the Diffie-Hellman and AEAD paths are reached, or an initiation that
 * authenticates and carries a plaintext of the fuzzer's choosing, which reaches the payload decoder, the clock check
 * and the replay table. The contract: a {@link HandshakeException} with one of the documented reasons, or an
 * initiation whose payload is exactly what the plaintext encodes; never another exception.
 */
class ResponderFuzzTest {
    private static final StaticIdentity SERVER = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x01, 32));
    private static final StaticIdentity CLIENT = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x40, 32));
    private static final StaticIdentity EPHEMERAL = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x80, 32));
    /** Password mode's secrets from a fixed PRS: the fuzzer needs no Argon2id. */
    private static final PasswordSecrets SECRETS = PasswordSecrets.of(Fixtures.bytes(0xc0, 32), SERVER.publicKey());
    /** What a responder may answer an initiation with (PROTOCOL.md's list, less the initiator's own reasons). */
    private static final Set<String> REASONS = Set.of(HandshakeException.BAD_LENGTH, HandshakeException.BAD_TYPE,
            HandshakeException.BAD_MAC1, HandshakeException.BAD_MAC2, HandshakeException.BAD_KEY,
            HandshakeException.DECRYPT_FAILED, HandshakeException.UNKNOWN_PEER, HandshakeException.BAD_PAYLOAD,
            HandshakeException.REPLAYED, HandshakeException.STALE_TIMESTAMP);

    @FuzzTest
    void initiations(FuzzedDataProvider data) throws HandshakeException {
        boolean passwordMode = data.consumeBoolean();
        long now = NOW + data.consumeLong(-2 * Responder.MAX_CLOCK_SKEW_MILLIS, 2 * Responder.MAX_CLOCK_SKEW_MILLIS);
        Responder responder = passwordMode ? new Responder(SERVER, SECRETS)
                : new Responder(SERVER, ZERO_PSK, key -> Arrays.equals(key, CLIENT.publicKey()));
        if (data.consumeBoolean()) {
            rawDatagram(responder, data, now);
        } else {
            chosenPlaintext(responder, passwordMode, data, now);
        }
    }

    private static void rawDatagram(Responder responder, FuzzedDataProvider data, long now) {
        int off = data.consumeInt(0, 3);
        boolean fixMac1 = data.consumeBoolean();
        byte[] buf = data.consumeRemainingAsBytes();
        int len = Math.max(0, buf.length - off);
        if (fixMac1 && (len == Messages.INITIATION_LENGTH || len == Messages.PASSWORD_INITIATION_LENGTH)) {
            new Mac1(SERVER.publicKey()).write(buf, off + Messages.mac1Offset(len));
        }
        if (buf.length < off) return;
        boolean mac1Valid = responder.mac1Valid(buf, off, len);
        try {
            Responder.Initiation initiation = responder.consumeInitiation(buf, off, len, now);
            // only a genuine message of CLIENT's gets here (a seed): it must say what its bytes say
            assertTrue(mac1Valid);
            assertEquals(Messages.readIntLE(buf, off + Messages.INITIATION_SENDER_OFFSET), initiation.senderIndex());
            assertArrayEquals(CLIENT.publicKey(), initiation.initiatorPublicKey());
        } catch (HandshakeException e) {
            assertTrue(REASONS.contains(e.reason()), e.reason());
            if (!mac1Valid) {
                assertTrue(Set.of(HandshakeException.BAD_LENGTH, HandshakeException.BAD_TYPE, HandshakeException.BAD_MAC1)
                        .contains(e.reason()), "a message whose mac1 failed went on to " + e.reason());
            }
        }
    }

    private static void chosenPlaintext(Responder responder, boolean passwordMode, FuzzedDataProvider data, long now)
            throws HandshakeException {
        int senderIndex = data.consumeInt();
        byte[] plaintext = Arrays.copyOf(data.consumeRemainingAsBytes(), PayloadCodec.INITIATION_PLAINTEXT_LENGTH);
        byte[] message = passwordMode
                ? SealedPlaintexts.passwordInitiation(CLIENT, EPHEMERAL, SECRETS, validShare(), senderIndex, plaintext)
                : SealedPlaintexts.initiation(CLIENT, EPHEMERAL, SERVER.publicKey(), senderIndex, plaintext);

        PayloadCodec.DecodedInitiation expected = null;
        String expectedReason = null;
        try {
            expected = PayloadCodec.decodeInitiation(plaintext);
            if (passwordMode && Math.abs(Tai64n.toEpochMillis(expected.timestamp()) - now) > Responder.MAX_CLOCK_SKEW_MILLIS) {
                expectedReason = HandshakeException.STALE_TIMESTAMP;
            }
        } catch (HandshakeException e) {
            expectedReason = e.reason();
        }
        try {
            Responder.Initiation initiation = responder.consumeInitiation(message, 0, message.length, now);
            assertNull(expectedReason, "accepted an initiation that should fail with " + expectedReason);
            assertEquals(expected.payload(), initiation.payload());
            assertEquals(senderIndex, initiation.senderIndex());
            assertArrayEquals(CLIENT.publicKey(), initiation.initiatorPublicKey());
        } catch (HandshakeException e) {
            assertEquals(expectedReason, e.reason());
            return;
        }
        Fixtures.assertReason(HandshakeException.REPLAYED, () -> responder.consumeInitiation(message, 0, message.length, now));
    }

    private static byte[] validShare() throws HandshakeException {
        return Cpace.share(Fixtures.bytes(0x20, 32), SECRETS.generatorUnsafe());
    }
}
