package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * The decoders of the handshake plaintexts (docs/fuzzing.md), fed directly, so that the fuzzer needs no keys: they
 * reject with {@link HandshakeException#BAD_PAYLOAD} only, and whatever they accept has exactly one encoding, the
 * input (the timestamp's nanoseconds excepted, which the encoder rounds down).
 */
class PayloadCodecFuzzTest {
    @FuzzTest
    void plaintexts(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            byte[] in = Arrays.copyOf(data.consumeRemainingAsBytes(), PayloadCodec.INITIATION_PLAINTEXT_LENGTH);
            PayloadCodec.DecodedInitiation decoded;
            try {
                decoded = PayloadCodec.decodeInitiation(in);
            } catch (HandshakeException e) {
                assertEquals(HandshakeException.BAD_PAYLOAD, e.reason());
                return;
            }
            byte[] again = PayloadCodec.encodeInitiation(Tai64n.toEpochMillis(decoded.timestamp()), decoded.payload());
            assertArrayEquals(Arrays.copyOfRange(in, 0, 8), Arrays.copyOfRange(again, 0, 8), "TAI64 seconds");
            assertArrayEquals(Arrays.copyOfRange(in, 12, in.length), Arrays.copyOfRange(again, 12, again.length));
        } else {
            byte[] in = Arrays.copyOf(data.consumeRemainingAsBytes(), PayloadCodec.RESPONSE_PLAINTEXT_LENGTH);
            ResponsePayload decoded;
            try {
                decoded = PayloadCodec.decodeResponse(in);
            } catch (HandshakeException e) {
                assertEquals(HandshakeException.BAD_PAYLOAD, e.reason());
                return;
            }
            assertArrayEquals(in, PayloadCodec.encodeResponse(decoded));
        }
    }
}
