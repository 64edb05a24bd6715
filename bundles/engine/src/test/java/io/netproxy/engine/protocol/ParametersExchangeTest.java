package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Password mode's parameters exchange (types 5 and 6). */
class ParametersExchangeTest {
    private static final byte[] SALT = Fixtures.bytes(0x10, 16);
    private static final byte[] SERVER_KEY = StaticIdentity.generate().publicKey();
    private static final byte[] LOW_ORDER_POINT = Fixtures.hex(
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157");

    @Test
    void aClientLearnsTheSaltAndKeyFromTheReplyToItsRequest() throws HandshakeException {
        ParametersExchange.Request request = new ParametersExchange.Request();
        byte[] message = request.message();
        assertEquals(Messages.PARAMETERS_LENGTH, message.length);
        assertEquals(Messages.TYPE_PARAMETERS_REQUEST, Messages.type(message, 0, message.length));
        byte[] reply = ParametersExchange.reply(message, 0, message.length, SALT, SERVER_KEY);
        assertEquals(message.length, reply.length, "a reply is never larger than its request");

        ParametersExchange.ServerParameters parameters = request.consume(reply, 0, reply.length);
        assertArrayEquals(SALT, parameters.salt());
        assertArrayEquals(SERVER_KEY, parameters.serverPublicKey());
        assertTrue(parameters.speaksOurVersion());
    }

    @Test
    void theServerIgnoresWhatIsNotARequest() {
        byte[] message = new ParametersExchange.Request().message();
        byte[] padded = message.clone();
        padded[60] = 1;
        assertNull(ParametersExchange.reply(padded, 0, padded.length, SALT, SERVER_KEY), "non-zero padding");
        byte[] reserved = message.clone();
        reserved[6] = 1;
        assertNull(ParametersExchange.reply(reserved, 0, reserved.length, SALT, SERVER_KEY), "non-zero reserved byte");
        assertNull(ParametersExchange.reply(message, 0, message.length - 1, SALT, SERVER_KEY), "short");
        byte[] reply = ParametersExchange.reply(message, 0, message.length, SALT, SERVER_KEY);
        assertNull(ParametersExchange.reply(reply, 0, reply.length, SALT, SERVER_KEY), "a reply is not a request");
    }

    @Test
    void aClientTakesOnlyTheReplyToItsOwnRequest() {
        ParametersExchange.Request request = new ParametersExchange.Request();
        byte[] other = new ParametersExchange.Request().message();
        byte[] replyToOther = ParametersExchange.reply(other, 0, other.length, SALT, SERVER_KEY);
        assertReason(HandshakeException.UNEXPECTED_RESPONSE, () -> request.consume(replyToOther, 0, replyToOther.length));
        byte[] message = request.message();
        assertReason(HandshakeException.BAD_TYPE, () -> request.consume(message, 0, message.length));
        assertReason(HandshakeException.BAD_LENGTH, () -> request.consume(message, 0, 40));
    }

    @Test
    void aServerKeyOnALowOrderPointIsRefused() {
        ParametersExchange.Request request = new ParametersExchange.Request();
        byte[] message = request.message();
        byte[] reply = ParametersExchange.reply(message, 0, message.length, SALT, LOW_ORDER_POINT);
        assertReason(HandshakeException.BAD_PARAMETERS, () -> request.consume(reply, 0, reply.length));
    }

    @Test
    void aVersionMismatchSaysWhichSideToUpgrade() throws HandshakeException {
        ParametersExchange.Request request = new ParametersExchange.Request();
        byte[] message = request.message();
        byte[] newer = ParametersExchange.reply(message, 0, message.length, SALT, SERVER_KEY);
        newer[4] = 3;
        newer[5] = 4;
        ParametersExchange.ServerParameters parameters = request.consume(newer, 0, newer.length);
        assertFalse(parameters.speaksOurVersion());
        assertEquals("the server speaks password-mode protocol versions 3..4; this client speaks 2: upgrade the client",
                parameters.versionMismatch());
        byte[] reserved = ParametersExchange.reply(message, 0, message.length, SALT, SERVER_KEY);
        reserved[7] = 1;
        assertReason(HandshakeException.BAD_PARAMETERS, () -> request.consume(reserved, 0, reserved.length));
    }
}
