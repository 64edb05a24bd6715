package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * mac2 as a server under load checks it (docs/fuzzing.md): initiations with any mac2, from any source, at any time.
 * The contract: {@code checkMac2} never throws and never takes a mac2 made without the source's cookie; a cookie reply
 * is always 64 bytes.
 */
class Mac2FuzzTest {
    private static final StaticIdentity SERVER = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x01, 32));
    private static final StaticIdentity CLIENT = StaticIdentity.fromPrivateKey(Fixtures.bytes(0x40, 32));
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.2", 51820);

    @FuzzTest
    void mac2Checks(FuzzedDataProvider data) throws UnknownHostException {
        Responder responder = new Responder(SERVER, Fixtures.ZERO_PSK, key -> true);
        byte[] initiation = new Initiator(CLIENT, SERVER.publicKey(), Fixtures.ZERO_PSK, 7,
                Fixtures.initiationPayload()).initiation(NOW);
        // a cookie exists for SOURCE once the server has answered it
        byte[] reply = responder.cookieReply(initiation, 0, SOURCE, 0);
        assertTrue(reply.length == Messages.COOKIE_REPLY_LENGTH);
        byte[] ip = data.consumeBytes(data.consumeBoolean() ? 4 : 16);
        InetSocketAddress source = ip.length == 4 || ip.length == 16
                ? new InetSocketAddress(InetAddress.getByAddress(ip), data.consumeInt(0, 65535)) : SOURCE;
        byte[] message = Arrays.copyOf(initiation, Messages.INITIATION_LENGTH);
        byte[] mac2 = data.consumeBytes(16);
        System.arraycopy(mac2, 0, message, Messages.INITIATION_MAC2_OFFSET, mac2.length);
        long now = data.consumeLong();
        Responder.Mac2Check check = responder.checkMac2(message, 0, source, now);
        assertNotNull(check);
        assertTrue(check != Responder.Mac2Check.VALID, "a mac2 the fuzzer chose without the cookie is not valid");
        assertTrue(responder.cookieReply(message, 0, source, now).length == Messages.COOKIE_REPLY_LENGTH);
    }
}
