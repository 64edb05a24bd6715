package io.netproxy.engine.tunnel;

import static io.netproxy.engine.tunnel.TunnelHarness.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.TunSettings;
import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server and client in password mode through the in-memory network: handshake, pushed configuration and the
 * data path in both directions. Each tunnel stretches the password with Argon2id (64 MiB), so this class starts as
 * few as it can.
 */
class PasswordModeTunnelTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void clientGetsThePushedConfigurationAndPacketsFlowBothWays() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.passwordServer("pw-server", PASSWORD));
                assertEquals("listening", server.tunnel.status().state());
                assertEquals(List.of(new TunSettings("np%d", 1400, List.of("10.67.0.1/24"), false)), server.tunBackend.opened);
                assertEquals(List.of(new NetworkPlan("pw-server", NetworkPlan.Role.SERVER, "np0", "10.67.0.0/24", null, null,
                        List.of(), List.of())), server.netconf.plans);

                TunnelHarness.Node<ClientTunnel> client = net.client(TunnelHarness.passwordClient("pw-client", PASSWORD, 10),
                        "198.51.100.10");

                // What the server pushed: address from the pool, its own address as the peer, MTU, routes, DNS.
                TunnelStatus status = client.tunnel.status();
                assertEquals("connected", status.state());
                assertEquals(TunnelSpec.Role.CLIENT, status.role());
                assertEquals("10.67.0.2/24", status.tunAddress());
                assertEquals("192.0.2.1:6767", status.endpoint());
                assertNotNull(status.publicKey(), "in password mode a client has a random key of its own");
                assertEquals(List.of(new TunSettings("np%d", 1400, List.of("10.67.0.2/24"), false)), client.tunBackend.opened);
                assertEquals(List.of(new NetworkPlan("pw-client", NetworkPlan.Role.CLIENT, "np0", null, null, "192.0.2.1",
                        List.of("0.0.0.0/0"), List.of("1.1.1.1"))), client.netconf.plans);
                assertEquals(List.of("recorded CLIENT plan for np0"), status.network());
                PeerStatus serverPeer = status.peers().get(0);
                assertEquals("10.67.0.1", serverPeer.tunnelAddress());
                assertEquals("aes-256-gcm", serverPeer.cipher());

                // Client -> server: byte for byte out of the server's TUN.
                byte[] request = Packets.udp("10.67.0.2", "8.8.8.8", "a question for the resolver");
                client.tun().inject(request);
                assertArrayEquals(request, server.tun().awaitDelivered(Duration.ofSeconds(5)));

                // Server -> client: a reply from the internet, routed to the client's address.
                byte[] reply = Packets.udp("8.8.8.8", "10.67.0.2", 53, 40_000, "the answer".getBytes());
                server.tun().inject(reply);
                assertArrayEquals(reply, client.tun().awaitDelivered(Duration.ofSeconds(5)));

                assertNull(server.tun().awaitDelivered(SHORT), "keepalives never reach the TUN device");
                assertNull(client.tun().awaitDelivered(SHORT));

                // Counters moved on both sides.
                assertEquals(1, server.counter("handshakes"));
                assertEquals(1, server.counter("rx.packets"), "the TUN device's packets");
                assertEquals(request.length, server.counter("rx.bytes"));
                assertTrue(server.counter("tx.packets") >= 1);
                assertTrue(server.counter("tx.bytes") >= reply.length);
                assertEquals(1, client.counter("handshakes"));
                assertEquals(1, client.counter("rx.packets"));
                assertEquals(reply.length, client.counter("rx.bytes"));
                assertTrue(client.counter("tx.packets") >= 3, "the key-confirming keepalive, the settings request, the packet");
                assertEquals(request.length, client.counter("tx.bytes"), "keepalives and control messages are no "
                        + "traffic");
                assertEquals(0, server.drops(), () -> "server drops: " + server.counters());
                assertEquals(0, client.drops(), () -> "client drops: " + client.counters());

                TunnelStatus serverStatus = server.tunnel.status();
                assertEquals(1, serverStatus.peers().size());
                PeerStatus peer = serverStatus.peers().get(0);
                assertEquals("10.67.0.2", peer.tunnelAddress());
                assertEquals("198.51.100.10:" + client.endpoint().localAddress().getPort() + " (memory)", peer.endpoint());
                assertEquals("aes-256-gcm", peer.cipher());
                assertEquals(request.length, peer.rxBytes());
                assertEquals(reply.length, peer.txBytes());
                assertEquals(1, peer.rxPackets(), "the keepalive carries no payload and is not counted");
                assertEquals(1, peer.txPackets());
                // both sides timed their one handshake
                assertEquals(1, serverStatus.handshakeSeconds().count());
                assertEquals(1, client.tunnel.status().handshakeSeconds().count());
                assertTrue(serverStatus.handshakeSeconds().sum() > 0);
                assertEquals("192.0.2.1:6767", serverStatus.endpoint());
                assertEquals("10.67.0.1/24", serverStatus.tunAddress());
            });
        }
    }

    @Test
    void aWrongPasswordDoesNotConnectAndTheErrorNamesIt() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.passwordServer("pw-server", PASSWORD));
                TunnelHarness.Node<ClientTunnel> client = net.clientNode("198.51.100.10");
                TunnelSpec spec = TunnelHarness.passwordClient("pw-wrong", "Tr0ub4dor&3", 20);

                long started = System.nanoTime();
                IOException e = assertThrows(IOException.class, () -> ClientTunnel.start(spec, client.plugins));
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                assertTrue(seconds < 10, "gave up before its 20 s timeout, took " + seconds + " s");
                assertTrue(e.getMessage().contains("password does not match"), e.getMessage());
                assertTrue(e.getMessage().contains("192.0.2.1:6767"), e.getMessage());

                // Only the client can tell (CPace): it asked for the parameters once, and gave up after three
                // responses that did not open, each one guess, without waiting for its timeout.
                assertEquals(1, server.counter("parameters.sent"));
                assertEquals(ClientTunnel.WRONG_PASSWORD_RESPONSES, server.counter("handshakes"));
                assertEquals(0, server.counter("drop.handshake"), () -> "every retry was taken: " + server.counters());
                // the wrong client held its address only provisionally: without data it is released
                await("the unproven client's address is released", Duration.ofSeconds(10),
                        () -> server.tunnel.status().peers().isEmpty());

                // A failed start leaves nothing behind.
                assertTrue(client.endpoint().isClosed(), "the client endpoint is closed");
                assertTrue(client.tunBackend.opened.isEmpty(), "no TUN device was opened");
                assertTrue(client.netconf.plans.isEmpty(), "no network plan was applied");
                await("the client's threads end", Duration.ofSeconds(5), () -> TunnelHarness.liveThreads("pw-wrong").isEmpty());
            });
        }
    }

    /** The server's salt and key, and the client's key, live in the state directory; a second connect asks for none. */
    @Test
    void aSecondConnectUsesTheParametersKeptFromTheFirst(@org.junit.jupiter.api.io.TempDir java.nio.file.Path state)
            throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            net.stateDirectory = state;
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.passwordServer("pw-server", PASSWORD));
                TunnelHarness.Node<ClientTunnel> first = net.client(TunnelHarness.passwordClient("pw-client", PASSWORD, 10),
                        "198.51.100.10");
                String clientKey = first.tunnel.status().publicKey();
                assertEquals(1, server.counter("parameters.sent"));
                first.tunnel.stop();
                for (String file : List.of("password-server-pw-server", "password-client-pw-client")) {
                    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                            java.nio.file.Files.getPosixFilePermissions(state.resolve(file))), file);
                }

                TunnelHarness.Node<ClientTunnel> again = net.client(TunnelHarness.passwordClient("pw-client", PASSWORD, 10),
                        "198.51.100.11");
                assertEquals("connected", again.tunnel.status().state());
                assertEquals(1, server.counter("parameters.sent"), "the parameters came from the state directory");
                assertEquals(clientKey, again.tunnel.status().publicKey(), "the same client key");
                assertEquals(server.tunnel.status().publicKey(), again.tunnel.status().peers().get(0).publicKey());
            });
        }
    }

    /**
     * {@code --server-key} in password mode: a client that pins the server's key connects, one that pins another key
     * gives up at the parameters reply, naming both keys, without a handshake (so without a password test).
     */
    @Test
    void aClientThatPinsTheServersKeyConnectsAndOneThatPinsAnotherDoesNot() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.passwordServer("pw-server", PASSWORD));
                String serverKey = server.tunnel.status().publicKey();
                TunnelHarness.Node<ClientTunnel> pinned = net.client(pinning("pw-pinned", java.util.Base64.getDecoder()
                        .decode(serverKey)), "198.51.100.10");
                assertEquals("connected", pinned.tunnel.status().state());

                String otherKey = java.util.Base64.getEncoder().encodeToString(
                        io.netproxy.engine.protocol.StaticIdentity.generate().publicKey());
                TunnelHarness.Node<ClientTunnel> wary = net.clientNode("198.51.100.11");
                IOException e = assertThrows(IOException.class, () -> ClientTunnel.start(
                        pinning("pw-wary", java.util.Base64.getDecoder().decode(otherKey)), wary.plugins));
                assertTrue(e.getMessage().contains("has the key " + serverKey + ", not the pinned key " + otherKey),
                        e.getMessage());
                assertEquals(2, server.counter("parameters.sent"), "each client asked for the parameters");
                assertEquals(1, server.counter("handshakes"), "the wary client sent no initiation");
            });
        }
    }

    private static TunnelSpec pinning(String name, byte[] serverKey) {
        return TunnelSpec.builder(name, TunnelSpec.Role.CLIENT).host(TunnelHarness.SERVER_IP).port(TunnelHarness.PORT)
                .password(PASSWORD.toCharArray()).peerPublicKeys(List.of(serverKey)).handshakeTimeoutSeconds(10).build();
    }

    /** {@code serve --password-credential}: a server that never holds the password takes clients that have it. */
    @Test
    void aServerStartedFromACredentialTakesClientsThatHaveThePassword(@org.junit.jupiter.api.io.TempDir java.nio.file.Path state)
            throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            net.stateDirectory = state;
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                byte[] credential = io.netproxy.engine.protocol.PasswordCredential.make(PASSWORD.toCharArray());
                String serverKey = java.util.Base64.getEncoder().encodeToString(
                        io.netproxy.engine.protocol.PasswordCredential.publicKey(credential));
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelSpec.builder("pw-server", TunnelSpec.Role.SERVER)
                        .host(TunnelHarness.SERVER_IP).port(TunnelHarness.PORT).passwordCredential(credential)
                        .pool(TunnelHarness.POOL).build());
                assertEquals(serverKey, server.tunnel.status().publicKey(), "the credential's key");
                assertTrue(!java.nio.file.Files.exists(state.resolve("password-server-pw-server")),
                        "no salt and key of its own in the state directory");

                TunnelHarness.Node<ClientTunnel> client = net.client(TunnelHarness.passwordClient("pw-client", PASSWORD, 10),
                        "198.51.100.10");
                assertEquals("connected", client.tunnel.status().state());
                TunnelHarness.roundTrip(server, client, "through a server started from its credential");

                TunnelHarness.Node<ClientTunnel> wrong = net.clientNode("198.51.100.11");
                IOException e = assertThrows(IOException.class, () -> ClientTunnel.start(
                        TunnelHarness.passwordClient("pw-wrong", "not the password", 10), wrong.plugins));
                assertTrue(e.getMessage().contains("password does not match"), e.getMessage());
            });
        }
    }

    /** A type-1 initiation (key mode, or a client of protocol v1) at a password-mode server: refused, counted, said. */
    @Test
    void aKeyModeInitiationAtAPasswordServerIsRefusedAsProtocolV1() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.passwordServer("pw-server", PASSWORD));
                TunnelHarness.Node<ClientTunnel> client = net.clientNode("198.51.100.10");
                byte[] serverKey = java.util.Base64.getDecoder().decode(server.tunnel.status().publicKey());
                TunnelSpec keyClient = TunnelHarness.keyClient("v1",
                        io.netproxy.engine.protocol.StaticIdentity.generate().privateKey(), serverKey);
                assertThrows(IOException.class, () -> ClientTunnel.start(keyClient, client.plugins));
                await("the refusal counted", Duration.ofSeconds(5),
                        () -> server.counter("handshake-failed.protocol-v1") >= 1);
                assertEquals(0, server.counter("handshakes"), "no response");
                assertTrue(server.tunnel.status().peers().isEmpty());
            });
        }
    }
}
