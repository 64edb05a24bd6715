package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * none of those checks passes for any candidate, and the password reaches the initiation only through the CPace
 * share. An attacker who plays a client learns one bit per exchange, about the candidate its share committed to.
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

        assertEquals(List.of(), passing(transcript, OfflineGuessingTest::aShareIsAnEnumerableMultipleOfTheGenerator));
        assertEquals(List.of(), passing(transcript, OfflineGuessingTest::theGeneratorOrPrsAppearsInTheTranscript));
    }

    /**
     * The same handshake under two passwords, with every random value fixed: message 1 differs only in the share and in
     * what authenticates the transcript over it (the two tags and mac1), so nothing else in it depends on the password.
     */
    @Test
    void theShareIsThePasswordsOnlyWayIntoTheInitiation() {
        byte[] first = fixedInitiation(guesses.get(0).v2());
        byte[] second = fixedInitiation(guesses.get(1).v2());
        int share = Messages.INITIATION_SHARE_OFFSET;
        int staticTag = share + Messages.SHARE_LENGTH + 32;
        int payloadTag = staticTag + 16 + PayloadCodec.INITIATION_PLAINTEXT_LENGTH;
        int mac1 = Messages.mac1Offset(Messages.PASSWORD_INITIATION_LENGTH);
        for (int i = 0; i < first.length; i++) {
            boolean mayDiffer = (i >= share && i < share + 32) || (i >= staticTag && i < staticTag + 16)
                    || (i >= payloadTag && i < payloadTag + 16) || (i >= mac1 && i < mac1 + 16);
            if (!mayDiffer) assertEquals(first[i], second[i], "byte " + i + " depends on the password");
        }
        assertFalse(Arrays.equals(first, share, share + 32, second, share, share + 32), "the shares differ");
    }

    private static byte[] fixedInitiation(PasswordSecrets secrets) {
        return Initiator.withPassword(StaticIdentity.fromPrivateKey(Fixtures.bytes(0x01, 32)), secrets, 1,
                Fixtures.initiationPayload(), StaticIdentity.fromPrivateKey(Fixtures.bytes(0x41, 32)),
                Fixtures.bytes(0x81, 32)).initiation(NOW);
    }

    /**
     * An attacker posing as a client commits its share to one candidate: the server's response opens exactly when that
     * candidate is the password. (That it gives no test of the others is CPace's guarantee: the attacker would need the
     * discrete logarithm of its share to another candidate's generator.)
     */
    @Test
    void anActiveAttackerTestsTheCandidateItsShareCommittedTo() throws HandshakeException {
        Responder responder = new Responder(SERVER, serverSecrets);
        for (Guess committed : guesses) {
            Initiator exchange = Initiator.withPassword(StaticIdentity.generate(), committed.v2(), 1,
                    Fixtures.initiationPayload());
            long now = NOW + guesses.indexOf(committed);
            byte[] initiation = exchange.initiation(now);
            byte[] response = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, now), 2,
                    Fixtures.responsePayload());
            assertEquals(committed.password().equals(RIGHT), opens(exchange, response), committed.password());
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
            // above the three low bits that X25519's clamping clears
            scalar[1] = (byte) s;
            scalar[2] = (byte) (s >>> 8);
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
