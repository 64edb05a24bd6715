package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPasswordTest {
    private static final char[] PASSWORD = "client password test".toCharArray();
    private static final String SERVER = "198.51.100.10:6767";

    @TempDir
    Path state;

    private final StaticIdentity local = StaticIdentity.generate();
    private final InitiationPayload payload = new InitiationPayload(new byte[16], new int[] {1});

    @Test
    void aResponseProvesTheParametersItsInitiationWasMadeUnderThoughNewerOnesCameMeanwhile() throws Exception {
        ClientPassword client = new ClientPassword(PASSWORD, null, state, "t", SERVER);
        ParametersExchange.ServerParameters first = parameters();
        ParametersExchange.ServerParameters second = parameters();
        client.use(first);
        Initiator underFirst = client.initiator(local, 1, payload);
        // a reply to a later request (perhaps forged) arrives while the first initiation is answered
        client.use(second);
        client.confirmed(underFirst);

        ClientPassword next = new ClientPassword(PASSWORD, null, state, "t", SERVER);
        next.useCached();
        assertTrue(next.isCurrent(first), "the cache holds the parameters that a handshake proved");
        assertFalse(next.isCurrent(second));
    }

    @Test
    void onlyAResponseToTheInitiationLastMadeConfirmsAnything() throws Exception {
        ClientPassword client = new ClientPassword(PASSWORD, null, state, "t", SERVER);
        client.use(parameters());
        Initiator older = client.initiator(local, 1, payload);
        client.initiator(local, 2, payload);
        client.confirmed(older);
        assertFalse(Files.exists(state.resolve("server-parameters-t")), "an abandoned initiation proves nothing");
    }

    @Test
    void aReplyIsTakenOnceForItsRequest() throws Exception {
        ClientPassword client = new ClientPassword(PASSWORD, null, state, "t", SERVER);
        ParametersExchange.ServerParameters server = parameters();
        byte[] request = client.request();
        byte[] reply = ParametersExchange.reply(request, 0, request.length, server.salt(), server.serverPublicKey());
        assertNotNull(client.accept(reply, 0, reply.length));
        HandshakeException again = assertThrows(HandshakeException.class, () -> client.accept(reply, 0, reply.length));
        assertEquals(HandshakeException.UNEXPECTED_RESPONSE, again.reason());
    }

    @Test
    void cachedParametersOfAnotherServerAreNotUsed() throws Exception {
        ClientPassword client = new ClientPassword(PASSWORD, null, state, "t", SERVER);
        client.use(parameters());
        client.confirmed(client.initiator(local, 1, payload));

        ClientPassword elsewhere = new ClientPassword(PASSWORD, null, state, "t", "203.0.113.10:6767");
        elsewhere.useCached();
        assertNull(elsewhere.secrets());
    }

    @Test
    void cachedParametersWithAnotherKeyThanThePinnedOneAreNotUsed() throws Exception {
        ClientPassword client = new ClientPassword(PASSWORD, null, state, "t", SERVER);
        ParametersExchange.ServerParameters cached = parameters();
        client.use(cached);
        client.confirmed(client.initiator(local, 1, payload));

        ClientPassword pinnedElsewhere = new ClientPassword(PASSWORD, StaticIdentity.generate().publicKey(), state, "t", SERVER);
        pinnedElsewhere.useCached();
        assertNull(pinnedElsewhere.secrets(), "it asks the server instead");
        assertNotNull(pinnedElsewhere.notPinned(cached));

        ClientPassword pinnedThere = new ClientPassword(PASSWORD, cached.serverPublicKey(), state, "t", SERVER);
        pinnedThere.useCached();
        assertTrue(pinnedThere.isCurrent(cached));
        assertNull(pinnedThere.notPinned(cached));
    }

    private static ParametersExchange.ServerParameters parameters() {
        byte[] salt = new byte[PasswordSecrets.SALT_LENGTH];
        new SecureRandom().nextBytes(salt);
        return new ParametersExchange.ServerParameters(salt, StaticIdentity.generate().publicKey(),
                ParametersExchange.VERSION, ParametersExchange.VERSION);
    }
}
