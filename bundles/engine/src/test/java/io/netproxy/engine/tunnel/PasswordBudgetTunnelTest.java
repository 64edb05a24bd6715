package io.netproxy.engine.tunnel;

import static io.netproxy.engine.tunnel.TunnelHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Password mode's budget of guesses (PROTOCOL.md 9) at a running server, on a fake clock: whoever sends initiations
 * under a wrong password gets a response to each, and so tests one guess each, until its source's budget is spent;
 * unproven keys hold few addresses; a refused response costs no guess; and while half the server's budget is spent,
 * only sources that receive cookies at their addresses get responses, so a real client still gets in.
 */
class PasswordBudgetTunnelTest {
    private static final String PASSWORD = "the server's password";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeClock clock = new FakeClock();
    private final List<InMemoryNetwork.Datagram> wire = new CopyOnWriteArrayList<>();
    private PasswordSecrets guessed;
    private final InitiationPayload payload = new InitiationPayload(new byte[InitiationPayload.CLIENT_ID_LENGTH], new int[] {1, 2});

    private static InetSocketAddress source(int i) {
        return InMemoryNetwork.address("198.19." + (i >> 8) + "." + (i & 255), 30_000 + i);
    }

    private long sentTo(InetSocketAddress to, int type) {
        return wire.stream().filter(d -> d.to().equals(to) && d.data()[0] == type).count();
    }

    /** A server whose datagrams the test sees, and the secrets of a wrong password under its parameters. */
    private TunnelHarness.Node<ServerTunnel> serve(TunnelHarness net, TunnelSpec spec) throws Exception {
        TunnelHarness.Node<ServerTunnel> server = net.server(spec);
        net.network.tap(wire::add);
        guessed = wrongPasswordSecrets(net);
        return server;
    }

    /** What the server tells anyone who asks: its salt and key, under which a wrong password is guessed. */
    private PasswordSecrets wrongPasswordSecrets(TunnelHarness net) throws Exception {
        InetSocketAddress asker = source(4000);
        ParametersExchange.Request request = new ParametersExchange.Request();
        net.network.inject(asker, TunnelHarness.SERVER, request.message());
        await("the server's parameters", WAIT, () -> sentTo(asker, Messages.TYPE_PARAMETERS) == 1);
        byte[] reply = wire.stream().filter(d -> d.to().equals(asker)).findFirst().orElseThrow().data();
        ParametersExchange.ServerParameters server = request.consume(reply, 0, reply.length);
        return PasswordSecrets.of(PasswordSecrets.prs("a wrong guess".toCharArray(), server.salt()), server.serverPublicKey());
    }

    /** An initiation under a guessed password, from a new key: the response to it tests the guess. */
    private byte[] guess(PasswordSecrets guessed, int index) {
        return Initiator.withPassword(StaticIdentity.generate(), guessed, index, payload).initiation(clock.epochMillis());
    }

    private void send(TunnelHarness net, InetSocketAddress from, byte[] initiation) throws Exception {
        net.network.inject(from, TunnelHarness.SERVER, initiation);
        net.settle();
    }

    @Test
    void aSourceThatKeepsGuessingGetsTenResponsesAndThenNone() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = serve(net, TunnelHarness.passwordServer("srv", PASSWORD));

                InetSocketAddress guesser = source(1);
                for (int i = 0; i <= PasswordAttempts.PER_SOURCE; i++) send(net, guesser, guess(guessed, i));
                assertEquals(PasswordAttempts.PER_SOURCE, sentTo(guesser, Messages.TYPE_PASSWORD_RESPONSE));
                assertEquals(1, server.counter("drop.password-budget"));
                assertEquals(1, server.counter("handshake-failed.password-budget"));

                // the budget is the source's: another one still gets answers
                InetSocketAddress other = source(2);
                send(net, other, guess(guessed, 100));
                assertEquals(1, sentTo(other, Messages.TYPE_PASSWORD_RESPONSE));
            });
        }
    }

    @Test
    void unprovenKeysHoldAQuarterOfThePoolAndARefusedResponseCostsNoGuess() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                // a /28: a quarter of its 16 addresses for keys that have not proven the password
                int provisional = 4;
                TunnelSpec small = TunnelSpec.builder("srv", TunnelSpec.Role.SERVER).host(TunnelHarness.SERVER_IP)
                        .port(TunnelHarness.PORT).password(PASSWORD.toCharArray()).pool("10.67.0.0/28").build();
                TunnelHarness.Node<ServerTunnel> server = serve(net, small);
                InetSocketAddress guesser = source(1);

                // one key retries (its response was lost): its newer session takes the place of the first
                StaticIdentity retrying = StaticIdentity.generate();
                send(net, guesser, Initiator.withPassword(retrying, guessed, 1, payload).initiation(clock.epochMillis()));
                send(net, guesser, Initiator.withPassword(retrying, guessed, 2, payload)
                        .initiation(clock.epochMillis() + Initiator.TIMESTAMP_STEP_MILLIS));
                for (int i = 1; i < provisional; i++) send(net, guesser, guess(guessed, 2 + i));
                long answered = provisional + 1;
                assertEquals(answered, sentTo(guesser, Messages.TYPE_PASSWORD_RESPONSE), provisional + " keys, one of them twice");
                send(net, guesser, guess(guessed, 9));
                assertEquals(answered, sentTo(guesser, Messages.TYPE_PASSWORD_RESPONSE), "one more unproven key gets no address");
                assertEquals(1, server.counter("drop.password-budget"));

                // Unproven addresses are let go after PROVISIONAL_NANOS. The refused response was no guess: the rest of
                // the source's ten come, a few at a time.
                while (answered < PasswordAttempts.PER_SOURCE) {
                    for (int s = 0; s <= PasswordAttempts.PROVISIONAL_NANOS / 1_000_000_000L; s++) net.second(server);
                    for (int i = 0; i < provisional && answered < PasswordAttempts.PER_SOURCE; i++, answered++) {
                        send(net, guesser, guess(guessed, (int) (10 + answered)));
                    }
                    assertEquals(answered, sentTo(guesser, Messages.TYPE_PASSWORD_RESPONSE));
                }
                for (int s = 0; s <= PasswordAttempts.PROVISIONAL_NANOS / 1_000_000_000L; s++) net.second(server);
                send(net, guesser, guess(guessed, 99));
                assertEquals(PasswordAttempts.PER_SOURCE, sentTo(guesser, Messages.TYPE_PASSWORD_RESPONSE), "the budget is spent");
                assertEquals(2, server.counter("drop.password-budget"));
            });
        }
    }

    @Test
    void whileHalfTheServersBudgetIsSpentOnlyCookieHoldersAreAnsweredAndAClientStillGetsIn() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
                TunnelHarness.Node<ServerTunnel> server = serve(net, TunnelHarness.passwordServer("srv", PASSWORD));

                // more than half, one at a time (a full handshake queue would ask for cookies): ten from each source
                int overHalf = PasswordAttempts.PER_SERVER / 2 + 1;
                for (int i = 0; i < overHalf; i++) send(net, source(i / PasswordAttempts.PER_SOURCE), guess(guessed, i));
                assertEquals(overHalf, wire.stream().filter(d -> d.data()[0] == Messages.TYPE_PASSWORD_RESPONSE).count());
                assertEquals(0, server.counter("cookies.sent"));

                // a spoofed source, which never sees the cookie sent to it, spends nothing more
                InetSocketAddress spoofed = source(500);
                send(net, spoofed, guess(guessed, 500));
                assertEquals(0, sentTo(spoofed, Messages.TYPE_PASSWORD_RESPONSE));
                assertEquals(1, sentTo(spoofed, Messages.TYPE_COOKIE));
                assertEquals(1, server.counter("handshake-failed.mac2-missing"));

                // a client at its own address takes the cookie and gets in, with the fake clock standing still
                TunnelHarness.Node<ClientTunnel> client = net.client(TunnelHarness.passwordClient("c", PASSWORD, 10),
                        "203.0.113.50");
                assertEquals("connected", client.tunnel.status().state());
                assertTrue(client.counter("cookies.received") >= 1, "it got in through the cookie: " + client.counters());
                assertEquals(0, server.counter("drop.password-budget"));
            });
        }
    }
}
