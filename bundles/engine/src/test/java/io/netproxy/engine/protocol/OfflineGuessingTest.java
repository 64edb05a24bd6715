package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "A recorded password-mode handshake no longer allows offline guessing" (issue 9), played out. An attacker holds a
 * recorded handshake, everything public (the server's key and salt, which the parameters exchange hands anyone), and a
 * list of candidate passwords; it runs every check it can compute from those. On a protocol v1 transcript one check
 * picks out the right password, which shows that the attack works and that this test would see it. On a v2 transcript
 * no check answers differently for the right password than for the wrong ones. And an attacker who plays a client
 * learns one bit per exchange, about the one candidate its share committed to.
 *
 * <p>A witness against the v1 attack and against password-derived values slipping into the wire format, not a proof:
 * the proof is CPace's (Abdalla, Haase, Hesse 2021) together with Noise's, and PROTOCOL.md 12 gives the argument.
 */
class OfflineGuessingTest {
    private static final String RIGHT = "correct horse battery staple";
    private static final List<String> CANDIDATES = List.of("Tr0ub4dor&3", RIGHT, "hunter2");
    private static final byte[] SALT = Fixtures.bytes(0x70, 16);
    private static final StaticIdentity SERVER = StaticIdentity.generate();
    /** Stand-in for "the attacker knows no scalar of the shares": the ones it can enumerate. */
    private static final int ENUMERATED_SCALARS = 512;

    private static final List<Guess> guesses = new ArrayList<>();
    private static PasswordSecrets serverSecrets;

    /** What the attacker derives from one candidate, as each protocol version would. */
    private record Guess(String password, byte[] v1ServerPublicKey, byte[] prs, PasswordSecrets v2) {
    }

    @BeforeAll
    static void stretchEveryCandidate() {
        for (String candidate : CANDIDATES) {
            byte[] prs = PasswordSecrets.prs(candidate.toCharArray(), SALT);
            guesses.add(new Guess(candidate, v1Keys(candidate).server().publicKey(), prs, PasswordSecrets.of(prs, SERVER.publicKey())));
            if (candidate.equals(RIGHT)) serverSecrets = PasswordSecrets.of(prs, SERVER.publicKey());
        }
    }

    @Test
    void aRecordedV1HandshakeGivesThePasswordAway() {
        V1Keys v1 = v1Keys(RIGHT);
        assertArrayEquals(Fixtures.hex("a183e987fc36fd71c1ea17fc2eaaec9faaf39248c1fe442a75d79485df162f12"),
                v1.server().publicKey(), "the v1 derivation as its known answer had it");
        byte[] initiation = new Initiator(v1.client(), v1.server().publicKey(), v1.psk(), 1,
                Fixtures.initiationPayload()).initiation(NOW);
        assertEquals(List.of(RIGHT), passing(initiation, OfflineGuessingTest::v1Mac1Verifies),
                "v1's mac1 is keyed by a key derived from the password alone");
    }

    @Test
    void aRecordedV2HandshakeTellsNoCandidateApart() throws HandshakeException {
        Responder responder = new Responder(SERVER, serverSecrets);
        Initiator client = Initiator.withPassword(StaticIdentity.generate(), serverSecrets, 1, Fixtures.initiationPayload());
        byte[] initiation = client.initiation(NOW);
        byte[] response = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, NOW), 2,
                Fixtures.responsePayload());
        assertNotNull(client.consumeResponse(response, 0, response.length), "a genuine handshake was recorded");
        byte[] transcript = concat(initiation, response);

        assertEquals(List.of(), passing(initiation, OfflineGuessingTest::v1Mac1Verifies));
        assertEquals(List.of(), passing(transcript, OfflineGuessingTest::aShareIsAnEnumerableMultipleOfTheGenerator));
        assertEquals(List.of(), passing(transcript, OfflineGuessingTest::theGeneratorOrPrsAppearsInTheTranscript));
        // mac1 is keyed by the server's random key: it verifies whatever the candidate, so it says nothing
        assertEquals(CANDIDATES, passing(initiation,
                (guess, message) -> new Mac1(guess.v2().serverPublicKey()).valid(message, 0, Messages.mac1Offset(message.length))));
    }

    /** Each exchange commits the attacker's share to one candidate: the response tests that one, and no other. */
    @Test
    void anActiveAttackerTestsOneCandidatePerExchange() throws HandshakeException {
        Responder responder = new Responder(SERVER, serverSecrets);
        for (Guess committed : guesses) {
            StaticIdentity attacker = StaticIdentity.generate();
            byte[] ephemeralKey = StaticIdentity.generate().privateKey();
            byte[] scalar = Initiator.randomScalar();
            Initiator exchange = Initiator.withPassword(attacker, committed.v2(), 1, Fixtures.initiationPayload(),
                    StaticIdentity.fromPrivateKey(ephemeralKey), scalar.clone());
            long now = NOW + guesses.indexOf(committed);
            byte[] initiation = exchange.initiation(now);
            byte[] response = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, now), 2,
                    Fixtures.responsePayload());
            for (Guess other : guesses) {
                // the same ephemeral key and scalar under another candidate's generator: all the attacker can vary
                Initiator attempt = exchange;
                if (other != committed) {
                    attempt = Initiator.withPassword(attacker, other.v2(), 1, Fixtures.initiationPayload(),
                            StaticIdentity.fromPrivateKey(ephemeralKey), scalar.clone());
                    attempt.initiation(now);
                }
                boolean opens = opens(attempt, response);
                assertEquals(other == committed && committed.password().equals(RIGHT), opens,
                        "committed to " + committed.password() + ", tried " + other.password());
            }
        }
    }

    private static boolean opens(Initiator initiator, byte[] response) {
        try {
            initiator.consumeResponse(response, 0, response.length);
            return true;
        } catch (HandshakeException e) {
            return false;
        }
    }

    /** The candidates for which the attacker's check holds on the recorded bytes. */
    private static List<String> passing(byte[] recorded, BiPredicate<Guess, byte[]> check) {
        return guesses.stream().filter(guess -> check.test(guess, recorded)).map(Guess::password).toList();
    }

    private static boolean v1Mac1Verifies(Guess guess, byte[] initiation) {
        return initiation.length == Messages.INITIATION_LENGTH
                && new Mac1(guess.v1ServerPublicKey()).valid(initiation, 0, Messages.mac1Offset(initiation.length));
    }

    /** Whether any 32 bytes of the transcript are X25519(s, G') for one of the scalars the attacker enumerates. */
    private static boolean aShareIsAnEnumerableMultipleOfTheGenerator(Guess guess, byte[] transcript) {
        byte[] scalar = new byte[32];
        for (int s = 1; s <= ENUMERATED_SCALARS; s++) {
            scalar[0] = (byte) s;
            scalar[1] = (byte) (s >>> 8);
            try {
                if (contains(transcript, Cpace.share(scalar, guess.v2().generatorUnsafe()))) return true;
            } catch (HandshakeException e) {
                throw new AssertionError(e);
            }
        }
        return false;
    }

    private static boolean theGeneratorOrPrsAppearsInTheTranscript(Guess guess, byte[] transcript) {
        byte[] prs = guess.prs();
        return contains(transcript, guess.v2().generatorUnsafe()) || contains(transcript, prs)
                || contains(transcript, NoiseCrypto.hash(prs)) || contains(transcript, NoiseCrypto.hash(guess.v2().generatorUnsafe()));
    }

    /** Protocol v1's password mode: every key from the password alone. */
    private record V1Keys(byte[] psk, StaticIdentity server, StaticIdentity client) {
    }

    /** v1's derivation (PROTOCOL.md 3 of protocol v1: Argon2id under a fixed salt, then the KDF), as anyone knows it. */
    private static V1Keys v1Keys(String password) {
        byte[] master = PasswordSecrets.stretch(password.toCharArray(),
                "netproxy protocol v1 password salt".getBytes(StandardCharsets.US_ASCII));
        byte[][] keys = NoiseCrypto.kdf(NoiseCrypto.hash("netproxy v1 password keys".getBytes(StandardCharsets.US_ASCII)),
                master, 3);
        return new V1Keys(keys[0], StaticIdentity.fromPrivateKey(keys[1]), StaticIdentity.fromPrivateKey(keys[2]));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return true;
        }
        return false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
