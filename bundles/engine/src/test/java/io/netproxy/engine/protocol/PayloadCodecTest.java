package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The plaintexts inside the handshake: fixed sizes, full round trips and strict decoding. */
class PayloadCodecTest {

    @Test
    void plaintextSizesAreFixed() {
        assertEquals(37, PayloadCodec.INITIATION_PLAINTEXT_LENGTH);
        assertEquals(112, PayloadCodec.RESPONSE_PLAINTEXT_LENGTH);
        InitiationPayload one = new InitiationPayload(new byte[16], new int[] {1});
        assertEquals(37, PayloadCodec.encodeInitiation(NOW, one).length);
    }

    @Test
    void initiationRoundTripsWithTheTimestamp() throws HandshakeException {
        InitiationPayload payload = new InitiationPayload(Fixtures.bytes(5, 16), new int[] {9, 8, 7, 6, 5, 4, 3, 255});
        PayloadCodec.DecodedInitiation decoded = PayloadCodec.decodeInitiation(PayloadCodec.encodeInitiation(NOW, payload));
        assertEquals(payload, decoded.payload());
        assertEquals(NOW, Tai64n.toEpochMillis(decoded.timestamp()), 17.0);
    }

    @Test
    void aFullResponseRoundTrips() throws HandshakeException {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < ResponsePayload.MAX_ROUTES; i++) {
            routes.add(new Route(new byte[] {10, (byte) i, 0, 0}, 16 + i));
        }
        List<byte[]> dns = List.of(new byte[] {1, 1, 1, 1}, new byte[] {8, 8, 8, 8}, new byte[] {9, 9, 9, 9},
                new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255});
        ResponsePayload payload = new ResponsePayload(255, new byte[] {(byte) 172, 16, 0, 9}, 12,
                new byte[] {(byte) 172, 16, 0, 1}, 65535, 65535, routes, dns);
        assertEquals(payload, PayloadCodec.decodeResponse(PayloadCodec.encodeResponse(payload)));
        ResponsePayload empty = new ResponsePayload(1, new byte[4], 0, new byte[4], ResponsePayload.MIN_MTU, 0,
                List.of(), List.of());
        assertEquals(empty, PayloadCodec.decodeResponse(PayloadCodec.encodeResponse(empty)));
    }

    @Test
    void initiationDecodingIsStrict() {
        byte[] genuine = PayloadCodec.encodeInitiation(NOW, new InitiationPayload(new byte[16], new int[] {1, 2}));
        int count = Tai64n.LENGTH + 16;
        assertBadInitiation(genuine, count, 0);
        assertBadInitiation(genuine, count, 9);
        assertBadInitiation(genuine, count + 1 + 1, 0); // a listed suite of id 0
        assertBadInitiation(genuine, count + 1 + 5, 3); // padding after the listed suites
        assertBadInitiation(genuine, 8, 0x7F);          // nanoseconds of a second or more
        assertBadInitiation(genuine, 0, 0x80);          // seconds outside the TAI64 range
    }

    @Test
    void responseDecodingIsStrict() {
        byte[] genuine = PayloadCodec.encodeResponse(Fixtures.responsePayload());
        assertBadResponse(genuine, 0, 0);     // cipher 0
        assertBadResponse(genuine, 5, 33);    // client prefix length
        byte[] smallMtu = genuine.clone();
        smallMtu[10] = ResponsePayload.MIN_MTU - 1;
        smallMtu[11] = 0;
        assertReason(HandshakeException.BAD_PAYLOAD, () -> PayloadCodec.decodeResponse(smallMtu));
        assertBadResponse(genuine, 14, 17);   // route count
        assertBadResponse(genuine, 15 + 4, 40); // first route prefix
        assertBadResponse(genuine, 15 + 5 * 15, 1); // padding in the route slots
        assertBadResponse(genuine, 95, 5);    // dns count
        assertBadResponse(genuine, 111, 1);   // padding in the DNS slots
    }

    @Test
    void recordsRejectOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> new InitiationPayload(new byte[15], new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new InitiationPayload(new byte[16], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new InitiationPayload(new byte[16], new int[9]));
        assertThrows(IllegalArgumentException.class, () -> new InitiationPayload(new byte[16], new int[] {256}));
        assertThrows(IllegalArgumentException.class, () -> new Route(new byte[16], 8));
        assertThrows(IllegalArgumentException.class, () -> new Route(new byte[4], 33));
        List<Route> tooManyRoutes = new ArrayList<>();
        for (int i = 0; i <= ResponsePayload.MAX_ROUTES; i++) {
            tooManyRoutes.add(new Route(new byte[4], 0));
        }
        assertThrows(IllegalArgumentException.class,
                () -> new ResponsePayload(1, new byte[4], 24, new byte[4], 1400, 10, tooManyRoutes, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ResponsePayload(1, new byte[4], 24, new byte[4], 1400, 65536, List.of(), List.of()));
    }

    private static void assertBadInitiation(byte[] genuine, int index, int value) {
        byte[] tampered = genuine.clone();
        tampered[index] = (byte) value;
        assertReason(HandshakeException.BAD_PAYLOAD, () -> PayloadCodec.decodeInitiation(tampered));
    }

    private static void assertBadResponse(byte[] genuine, int index, int value) {
        byte[] tampered = genuine.clone();
        tampered[index] = (byte) value;
        assertReason(HandshakeException.BAD_PAYLOAD, () -> PayloadCodec.decodeResponse(tampered));
    }
}
