package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Cookie replies as a client receives them (docs/fuzzing.md): addressed to its outstanding initiation, raw or a
 * genuine one with bytes changed. The contract: a {@link HandshakeException} with a documented reason and the cookie
 * jar as it was, or (the genuine reply only) a cookie that makes a mac2 the server accepts.
 */
class CookieReplyFuzzTest {
    private static final StaticIdentity SERVER = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x01, 32));
    private static final StaticIdentity CLIENT = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x40, 32));
    private static final int CLIENT_INDEX = 7;
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.2", 51820);
    private static final Set<String> REASONS = Set.of(HandshakeException.BAD_LENGTH, HandshakeException.BAD_TYPE,
            HandshakeException.WRONG_INDEX, HandshakeException.DECRYPT_FAILED);

    @FuzzTest
    void cookieReplies(FuzzedDataProvider data) throws HandshakeException {
        Responder responder = new Responder(SERVER, Fixtures.ZERO_PSK, key -> true);
        Initiator initiator = new Initiator(CLIENT, SERVER.publicKey(), Fixtures.ZERO_PSK, CLIENT_INDEX,
                Fixtures.initiationPayload());
        byte[] initiation = initiator.initiation(NOW);
        byte[] genuine = responder.cookieReply(initiation, 0, SOURCE, 0);
        byte[] reply;
        if (data.consumeBoolean()) {
            reply = genuine.clone();
            for (int flips = data.consumeInt(0, 4); flips > 0; flips--) {
                reply[data.consumeInt(0, reply.length - 1)] ^= (byte) data.consumeInt(1, 255);
            }
        } else {
            boolean address = data.consumeBoolean();
            reply = data.consumeRemainingAsBytes();
            if (address && reply.length >= 8) Messages.writeIntLE(CLIENT_INDEX, reply, Messages.COOKIE_RECEIVER_OFFSET);
        }
        CookieJar jar = new CookieJar(SERVER.publicKey());
        try {
            initiator.consumeCookieReply(reply, 0, reply.length, jar, 0);
        } catch (HandshakeException e) {
            assertTrue(REASONS.contains(e.reason()), e.reason());
            assertFalse(jar.holds(0), "a rejected reply leaves the jar empty");
            return;
        }
        assertArrayEquals(genuine, reply, "only the genuine reply is accepted");
        Initiator retry = new Initiator(CLIENT, SERVER.publicKey(), Fixtures.ZERO_PSK, CLIENT_INDEX + 1,
                Fixtures.initiationPayload());
        byte[] withMac2 = retry.initiation(NOW + 1, jar, 1);
        assertTrue(responder.checkMac2(withMac2, 0, SOURCE, 1) == Responder.Mac2Check.VALID);
        assertNotNull(responder.consumeInitiation(withMac2, 0, withMac2.length, NOW + 1));
    }
}
