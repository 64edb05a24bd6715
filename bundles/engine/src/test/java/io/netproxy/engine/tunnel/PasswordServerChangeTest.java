package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.Messages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password mode on a fake clock: a server reinstalled with a new salt and key is silent to a client with the old ones
 * kept. The client asks for the parameters again beside its initiation and reconnects, with udp and tcp to choose from
 * (a move to the other transport must not lose the request). A server that took another password answers, but its
 * responses do not open: the client backs off. Argon2id runs once per side and change.
 */
class PasswordServerChangeTest {
    private static final String PASSWORD = "correct horse battery staple";
    private final FakeClock clock = new FakeClock();

    @Test
    void aClientFollowsAServerReinstalledWithANewKey(@TempDir Path before, @TempDir Path after) throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                net.stateDirectory = before;
                TunnelHarness.Node<ServerTunnel> first = server(net);
                TunnelHarness.Node<ClientTunnel> client = net.automaticNode("198.51.100.10", name -> true);
                client.tunnel = ClientTunnel.start(TunnelHarness.passwordClient("pw-client", PASSWORD, 10), client.plugins);
                String oldKey = first.tunnel.status().publicKey();
                net.second(first, client);
                first.tunnel.stop();

                net.stateDirectory = after; // the reinstalled server: a new salt and key
                TunnelHarness.Node<ServerTunnel> second = server(net);
                assertNotEquals(oldKey, second.tunnel.status().publicKey());
                for (int seconds = 0; !reconnected(second, client); seconds++) {
                    assertTrue(seconds < 120, "reconnected within two minutes: " + client.tunnel.status().state()
                            + ", server " + second.counters());
                    net.second(second, client);
                }
                assertEquals(second.tunnel.status().publicKey(), client.tunnel.status().peers().get(0).publicKey());
                assertTrue(second.counter("parameters.sent") >= 1, "the client asked again");
                TunnelHarness.roundTrip(second, client, "with the new server");
            });
        }
    }

    @Test
    void aRunningClientWhoseServerTookAnotherPasswordTriesAgainEverLessOften(@TempDir Path state) throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                net.stateDirectory = state;
                TunnelHarness.Node<ServerTunnel> first = net.server(TunnelHarness.passwordServer("pw-server", PASSWORD));
                TunnelHarness.Node<ClientTunnel> client = net.client(TunnelHarness.passwordClient("pw-client", PASSWORD, 10),
                        "198.51.100.10");
                net.second(first, client);
                first.tunnel.stop();

                // the same salt and key (the same state directory), another password: every response fails to open
                TunnelHarness.Node<ServerTunnel> second = net.server(TunnelHarness.passwordServer("pw-server", "another password"));
                List<Long> initiations = new CopyOnWriteArrayList<>();
                net.network.tap(d -> {
                    if (d.data()[0] == Messages.TYPE_PASSWORD_INITIATION) initiations.add(clock.nanoTime());
                });
                for (int seconds = 0; seconds < 3600; seconds++) net.second(second, client);

                assertEquals("reconnecting", client.tunnel.status().state());
                assertTrue(client.counter("handshake-failed.decrypt-failed") >= ClientTunnel.WRONG_PASSWORD_RESPONSES,
                        client.counters().toString());
                // each failure after the third doubles the wait, up to 2^7 retry intervals: about twenty attempts in
                // the hour instead of one every few seconds
                List<Long> gaps = new ArrayList<>();
                for (int i = 1; i < initiations.size(); i++) gaps.add((initiations.get(i) - initiations.get(i - 1)) / 1_000_000_000L);
                assertTrue(initiations.size() < 30, initiations.size() + " initiations, gaps " + gaps);
                long longest = Collections.max(gaps);
                assertTrue(longest >= (Tunnel.HANDSHAKE_RETRY_NANOS << 7) / 1_000_000_000L, "gaps " + gaps);
                // and none of that spent the server's budget: the client tests one guess per response, and gets few
                assertEquals(0, second.counter("drop.password-budget"), second.counters().toString());
            });
        }
    }

    /** A password-mode server on udp and tcp, in the harness's state directory. */
    private static TunnelHarness.Node<ServerTunnel> server(TunnelHarness net) throws java.io.IOException {
        TunnelHarness.Node<ServerTunnel> node = net.automaticNode(TunnelHarness.SERVER_IP, name -> true);
        node.tunnel = ServerTunnel.start(TunnelHarness.passwordServer("pw-server", PASSWORD), node.plugins);
        return node;
    }

    private static boolean reconnected(TunnelHarness.Node<ServerTunnel> server, TunnelHarness.Node<ClientTunnel> client) {
        return "connected".equals(client.tunnel.status().state()) && !server.tunnel.status().peers().isEmpty();
    }
}
