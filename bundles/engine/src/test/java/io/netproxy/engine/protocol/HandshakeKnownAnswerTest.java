package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.bytes;
import static io.netproxy.engine.protocol.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Fixed keys, indices and clock against bytes produced by an independent implementation of PROTOCOL.md
 * (Python: hashlib BLAKE2s and HMAC, and the {@code cryptography} package's X25519 and ChaCha20-Poly1305).
 * If this fails, the wire format changed: old and new peers would no longer understand each other.
 */
class HandshakeKnownAnswerTest {
    private static final StaticIdentity INITIATOR_STATIC = StaticIdentity.fromPrivateKey(bytes(1, 32));
    static final StaticIdentity RESPONDER_STATIC = StaticIdentity.fromPrivateKey(bytes(33, 32));
    private static final byte[] PSK = bytes(200, 32);
    private static final int INITIATOR_INDEX = 0x11223344;
    private static final int RESPONDER_INDEX = 0x55667788;
    private static final long CLOCK = 1_700_000_000_123L;

    static final String INITIATION = "010000004433221164b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d98"
            + "46d48466158a0e4ca242d151ca97ab90159a98b67e616625e68b4065d357376b6598e64496dc15af67575483ee53ad5483660719"
            + "36346bfa7cf42a122639f893806d1fa6248af32b1913e1fe9268c83265b59fad6d6d5241d011c3aed71a5e14f07a0797005bc52a"
            + "e222eb1fa9c8b7476d065149c6960a079e00000000000000000000000000000000";
    private static final String RESPONSE = "020000008877665544332211244fe3b963e899dd295baffce248d3530f3a9a7479ba063002"
            + "680ebfe7adad49ddfb8f1980a42057a824e1446e75d403f84ae4c5a018bba484d9e1a7d57247bf86c2c90bb2354259b67093e79f"
            + "4cdd318471e36a330515264d6140a02d063cbcab59fb9f1fab9025cec96d584fe9672d8f79d6703d43f56987df2097020fea7901"
            + "7439967d851b058848dd16a1a2b3354bcfa43a5286827884fce7212ad55c65eb39da182f03abaf84118df8ed090c330000000000"
            + "0000000000000000000000";
    private static final String INITIATOR_SEND = "75b7e787e2d8889509035f7861b3dfab4e8a204b52a2d5d29bcf07b8004d1d46";
    private static final String INITIATOR_RECEIVE = "640efc894e6d549318207d6271651ee436e484c89dd9a1d7b8099db91103bf1d";

    @Test
    void bothMessagesAndTheSessionKeysMatchTheReference() throws HandshakeException {
        InitiationPayload initiationPayload = new InitiationPayload(bytes(0xA0, 16), new int[] {2, 1});
        Initiator initiator = new Initiator(INITIATOR_STATIC, RESPONDER_STATIC.publicKey(), PSK, INITIATOR_INDEX,
                initiationPayload, StaticIdentity.fromPrivateKey(bytes(65, 32)));
        byte[] initiation = initiator.initiation(CLOCK);
        assertArrayEquals(hex(INITIATION), initiation);

        Responder responder = new Responder(RESPONDER_STATIC, PSK, key -> true);
        Responder.Initiation consumed = responder.consumeInitiation(initiation, 0, initiation.length, CLOCK);
        assertEquals(initiationPayload, consumed.payload());
        Fixtures.assertKnownResponse(initiator, responder, consumed, RESPONDER_INDEX, RESPONSE, INITIATOR_SEND,
                INITIATOR_RECEIVE);
    }
}
