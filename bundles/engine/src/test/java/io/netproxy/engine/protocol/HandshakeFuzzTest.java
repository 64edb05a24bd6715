package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.ZERO_PSK;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Random and mutated input must only ever produce a HandshakeException (or, for the plain codecs, a value):
 * any other exception would escape a receive loop. Fixed seeds keep failures reproducible.
 */
class HandshakeFuzzTest {
    private static final int ITERATIONS = 20_000;

    private final StaticIdentity server = StaticIdentity.generate();
    private final StaticIdentity client = StaticIdentity.generate();
    private final Responder responder = new Responder(server, ZERO_PSK, key -> Arrays.equals(key, client.publicKey()));

    @Test
    void responderSurvivesRandomAndMutatedInitiations() throws HandshakeException {
        Random random = new Random(0x5EED1);
        byte[] genuine = new Initiator(client, server.publicKey(), ZERO_PSK, 1, Fixtures.initiationPayload()).initiation(NOW);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(random, genuine);
            if (random.nextBoolean() && input.length == Messages.INITIATION_LENGTH) {
                Fixtures.fixInitiationMac1(input, server.publicKey()); // reach the DH and decryption paths
            }
            if (input.length == genuine.length
                    && Arrays.equals(input, 0, Messages.INITIATION_MAC2_OFFSET, genuine, 0, Messages.INITIATION_MAC2_OFFSET)) {
                continue; // the mutation undid itself or only hit mac2, which is the engine's to check: accepting it is right
            }
            int off = input.length == 0 ? 0 : random.nextInt(Math.min(4, input.length));
            responder.mac1Valid(input, off, input.length - off);
            try {
                responder.consumeInitiation(input, off, input.length - off, NOW);
            } catch (HandshakeException expected) {
                // the only acceptable failure
            }
        }
        assertNotNull(responder.consumeInitiation(genuine, 0, genuine.length, NOW), "the genuine message still works");
    }

    @Test
    void initiatorSurvivesRandomAndMutatedResponses() throws HandshakeException {
        Random random = new Random(0x5EED2);
        Initiator initiator = new Initiator(client, server.publicKey(), ZERO_PSK, 1, Fixtures.initiationPayload());
        byte[] initiation = initiator.initiation(NOW);
        byte[] genuine = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, NOW), 2,
                Fixtures.responsePayload());
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(random, genuine);
            if (random.nextBoolean() && input.length == Messages.RESPONSE_LENGTH) {
                Fixtures.fixResponseMac1(input, client.publicKey());
            }
            if (Arrays.equals(input, genuine)) {
                continue;
            }
            try {
                initiator.consumeResponse(input, 0, input.length);
            } catch (HandshakeException expected) {
                // the only acceptable failure
            }
        }
        assertNotNull(initiator.consumeResponse(genuine, 0, genuine.length), "the genuine response still works");
    }

    @Test
    void payloadDecodersOnlyEverRejectWithBadPayload() {
        Random random = new Random(0x5EED3);
        byte[] initiation = PayloadCodec.encodeInitiation(NOW, Fixtures.initiationPayload());
        byte[] response = PayloadCodec.encodeResponse(Fixtures.responsePayload());
        for (int i = 0; i < ITERATIONS; i++) {
            try {
                PayloadCodec.decodeInitiation(sameLengthMutation(random, initiation));
            } catch (HandshakeException e) {
                Fixtures.assertReason(HandshakeException.BAD_PAYLOAD, () -> {
                    throw e;
                });
            }
            try {
                PayloadCodec.decodeResponse(sameLengthMutation(random, response));
            } catch (HandshakeException e) {
                Fixtures.assertReason(HandshakeException.BAD_PAYLOAD, () -> {
                    throw e;
                });
            }
        }
    }

    @Test
    void headerParsersNeverThrowOnAnyLengthTheyAccept() {
        Random random = new Random(0x5EED4);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = new byte[random.nextInt(300)];
            random.nextBytes(input);
            if (random.nextInt(4) == 0 && input.length >= 4) {
                input[0] = (byte) (1 + random.nextInt(4));
                input[1] = input[2] = input[3] = 0;
            }
            int type = Messages.type(input, 0, input.length);
            if (type == Messages.TYPE_DATA || type == Messages.TYPE_RESPONSE) {
                Messages.receiverIndex(input, 0);
            }
            if (type == Messages.TYPE_DATA) {
                Messages.counter(input, 0);
            }
        }
    }

    /** Random bytes of a random length, or the genuine message with a few bits flipped, truncated or extended. */
    private static byte[] mutate(Random random, byte[] genuine) {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] noise = new byte[random.nextInt(2 * genuine.length)];
                random.nextBytes(noise);
                if (noise.length >= 4 && random.nextBoolean()) {
                    noise[0] = genuine[0];
                    noise[1] = noise[2] = noise[3] = 0;
                }
                return noise;
            }
            case 1 -> {
                return Arrays.copyOf(genuine, random.nextInt(genuine.length * 2));
            }
            default -> {
                return sameLengthMutation(random, genuine);
            }
        }
    }

    private static byte[] sameLengthMutation(Random random, byte[] genuine) {
        byte[] mutated = genuine.clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
            if (random.nextInt(8) == 0) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            } else {
                mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return mutated;
    }
}
