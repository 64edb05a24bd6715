package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static io.netproxy.engine.protocol.Fixtures.ZERO_PSK;
import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Cookie replies and mac2 between an Initiator and a Responder, on a clock the test sets (nanoseconds). */
class CookieTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.2", 51820);

    private final StaticIdentity server = StaticIdentity.generate();
    private final StaticIdentity client = StaticIdentity.generate();
    private final Responder responder = new Responder(server, ZERO_PSK, key -> Arrays.equals(key, client.publicKey()));
    private final CookieJar jar = new CookieJar(server.publicKey());
    private int nextIndex = 1;

    private Initiator newInitiator() {
        return new Initiator(client, server.publicKey(), ZERO_PSK, nextIndex++, Fixtures.initiationPayload());
    }

    /** A cookie reply to a first initiation, consumed into the jar at {@code nanos}. */
    private void getCookie(long nanos) throws HandshakeException {
        Initiator first = newInitiator();
        byte[] initiation = first.initiation(NOW, jar, nanos);
        assertEquals(Responder.Mac2Check.MISSING, responder.checkMac2(initiation, 0, SOURCE, nanos));
        byte[] reply = responder.cookieReply(initiation, 0, SOURCE, nanos);
        assertEquals(Messages.COOKIE_REPLY_LENGTH, reply.length);
        assertEquals(Messages.TYPE_COOKIE, Messages.type(reply, 0, reply.length));
        first.consumeCookieReply(reply, 0, reply.length, jar, nanos);
        assertTrue(jar.holds(nanos));
    }

    @Test
    void aRetryWithTheCookieHasAValidMac2AndCompletesTheHandshake() throws HandshakeException {
        getCookie(0);
        Initiator retry = newInitiator();
        byte[] initiation = retry.initiation(NOW, jar, 1);
        assertEquals(Responder.Mac2Check.VALID, responder.checkMac2(initiation, 0, SOURCE, 2));
        byte[] response = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, NOW), 9,
                Fixtures.responsePayload());
        assertNotNull(retry.consumeResponse(response, 0, response.length));
    }

    @Test
    void aCookieIsBoundToTheSourceAddressAndPort() throws HandshakeException {
        getCookie(0);
        byte[] initiation = newInitiator().initiation(NOW, jar, 1);
        assertEquals(Responder.Mac2Check.INVALID,
                responder.checkMac2(initiation, 0, new InetSocketAddress("192.0.2.2", 51821), 1));
        assertEquals(Responder.Mac2Check.INVALID,
                responder.checkMac2(initiation, 0, new InetSocketAddress("192.0.2.3", 51820), 1));
        assertEquals(Responder.Mac2Check.INVALID,
                responder.checkMac2(initiation, 0, new InetSocketAddress("2001:db8::2", 51820), 1));
    }

    @Test
    void theServersSecretLastsTwoMinutesAndOnlyTheCurrentOneCounts() throws HandshakeException {
        getCookie(0);
        byte[] initiation = newInitiator().initiation(NOW, jar, MINUTE);
        assertEquals(Responder.Mac2Check.VALID, responder.checkMac2(initiation, 0, SOURCE, 2 * MINUTE - 1));
        assertEquals(Responder.Mac2Check.INVALID, responder.checkMac2(initiation, 0, SOURCE, 2 * MINUTE));

        // the next reply makes a new secret: a cookie of the old one is no good even within its own two minutes
        Initiator another = newInitiator();
        byte[] next = another.initiation(NOW, null, 0);
        responder.cookieReply(next, 0, SOURCE, 2 * MINUTE);
        assertEquals(Responder.Mac2Check.INVALID, responder.checkMac2(initiation, 0, SOURCE, 2 * MINUTE));
    }

    @Test
    void aServerThatNeverSentACookieTakesNoMac2() {
        byte[] initiation = newInitiator().initiation(NOW);
        initiation[Messages.INITIATION_MAC2_OFFSET] = 1;
        assertEquals(Responder.Mac2Check.INVALID, responder.checkMac2(initiation, 0, SOURCE, 0));
    }

    @Test
    void theInitiatorUsesACookieForTwoMinutesOrUntilItForgetsIt() throws HandshakeException {
        getCookie(0);
        assertTrue(hasMac2(newInitiator().initiation(NOW, jar, 2 * MINUTE - 1)));
        assertFalse(hasMac2(newInitiator().initiation(NOW, jar, 2 * MINUTE)));
        assertFalse(jar.holds(2 * MINUTE));

        getCookie(3 * MINUTE);
        jar.forget();
        assertFalse(hasMac2(newInitiator().initiation(NOW, jar, 3 * MINUTE)));
    }

    @Test
    void aReplyIsBoundToTheInitiationItAnswers() throws HandshakeException {
        Initiator first = newInitiator();
        Initiator second = newInitiator();
        byte[] firstInitiation = first.initiation(NOW, jar, 0);
        byte[] secondInitiation = second.initiation(NOW, jar, 0);
        byte[] replyToFirst = responder.cookieReply(firstInitiation, 0, SOURCE, 0);

        // the second one's index written over: the tag still binds the reply to the first one's mac1
        byte[] redirected = replyToFirst.clone();
        System.arraycopy(secondInitiation, Messages.INITIATION_SENDER_OFFSET, redirected, 4, 4);
        assertReason(HandshakeException.DECRYPT_FAILED, () -> second.consumeCookieReply(redirected, 0, 64, jar, 0));
        assertReason(HandshakeException.WRONG_INDEX, () -> second.consumeCookieReply(replyToFirst, 0, 64, jar, 0));
        assertFalse(jar.holds(0), "a rejected reply leaves the jar as it was");

        first.consumeCookieReply(replyToFirst, 0, 64, jar, 0);
        assertTrue(jar.holds(0));
    }

    @Test
    void malformedRepliesAreRejectedCheapestFirstAndChangeNothing() throws HandshakeException {
        Initiator initiator = newInitiator();
        byte[] initiation = initiator.initiation(NOW, jar, 0);
        byte[] reply = responder.cookieReply(initiation, 0, SOURCE, 0);

        assertReason(HandshakeException.BAD_LENGTH, () -> initiator.consumeCookieReply(reply, 0, 63, jar, 0));
        byte[] reserved = reply.clone();
        reserved[2] = 1;
        assertReason(HandshakeException.BAD_TYPE, () -> initiator.consumeCookieReply(reserved, 0, 64, jar, 0));
        for (int i = Messages.COOKIE_NONCE_OFFSET; i < reply.length; i++) {
            byte[] tampered = reply.clone();
            tampered[i] ^= 0x40;
            assertReason(HandshakeException.DECRYPT_FAILED, () -> initiator.consumeCookieReply(tampered, 0, 64, jar, 0));
        }
        assertFalse(jar.holds(0));

        byte[] response = responder.respond(responder.consumeInitiation(initiation, 0, initiation.length, NOW), 9,
                Fixtures.responsePayload());
        initiator.consumeResponse(response, 0, response.length);
        assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> initiator.consumeCookieReply(reply, 0, 64, jar, 0));
    }

    @Test
    void repliesToTheSameInitiationUseFreshNonces() {
        byte[] initiation = newInitiator().initiation(NOW);
        byte[] one = responder.cookieReply(initiation, 0, SOURCE, 0);
        byte[] two = responder.cookieReply(initiation, 0, SOURCE, 0);
        assertFalse(Arrays.equals(Arrays.copyOfRange(one, 8, 32), Arrays.copyOfRange(two, 8, 32)));
        assertArrayEquals(Arrays.copyOf(one, 8), Arrays.copyOf(two, 8));
    }

    private static boolean hasMac2(byte[] initiation) {
        return !Mac2.isUnset(initiation, Messages.INITIATION_MAC2_OFFSET);
    }
}
