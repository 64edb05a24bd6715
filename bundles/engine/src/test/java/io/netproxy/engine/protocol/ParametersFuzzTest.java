package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Set;

/**
 * Password mode's parameters exchange (docs/fuzzing.md): requests as a server receives them from anyone, and replies
 * as a client with a request outstanding receives them, with the request's nonce copied in at the fuzzer's choice so
 * that the checks behind it are reached. The contract: the server answers only a well-formed request, with 72 bytes
 * that echo its nonce; the client takes only a reply to its nonce, saying exactly what its bytes say, and otherwise
 * throws a {@link HandshakeException} with a documented reason.
 */
class ParametersFuzzTest {
    private static final byte[] SALT = Fixtures.bytes(0x10, 16);
    private static final byte[] SERVER_KEY = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x01, 32)).publicKey();
    private static final Set<String> REASONS = Set.of(HandshakeException.BAD_LENGTH, HandshakeException.BAD_TYPE,
            HandshakeException.UNEXPECTED_RESPONSE, HandshakeException.BAD_PARAMETERS);

    @FuzzTest
    void parameters(FuzzedDataProvider data) {
        boolean toServer = data.consumeBoolean();
        boolean echoNonce = data.consumeBoolean();
        byte[] buf = data.consumeRemainingAsBytes();
        if (toServer) {
            byte[] reply = ParametersExchange.reply(buf, 0, buf.length, SALT, SERVER_KEY);
            if (reply == null) return;
            assertEquals(Messages.PARAMETERS_LENGTH, buf.length, "only a request of the right length is answered");
            assertEquals(buf.length, reply.length, "a reply is never larger than its request");
            assertArrayEquals(Arrays.copyOfRange(buf, 8, 24), Arrays.copyOfRange(reply, 8, 24), "the nonce is echoed");
            return;
        }
        ParametersExchange.Request request = new ParametersExchange.Request();
        if (echoNonce && buf.length >= 24) System.arraycopy(request.message(), 8, buf, 8, 16);
        try {
            ParametersExchange.ServerParameters parameters = request.consume(buf, 0, buf.length);
            assertTrue(echoNonce, "only a reply with the request's nonce is taken");
            assertArrayEquals(Arrays.copyOfRange(buf, 24, 40), parameters.salt());
            assertArrayEquals(Arrays.copyOfRange(buf, 40, 72), parameters.serverPublicKey());
            assertEquals(buf[4] & 0xFF, parameters.lowestVersion());
            assertEquals(buf[5] & 0xFF, parameters.highestVersion());
        } catch (HandshakeException e) {
            assertTrue(REASONS.contains(e.reason()), e.reason());
        }
    }
}
