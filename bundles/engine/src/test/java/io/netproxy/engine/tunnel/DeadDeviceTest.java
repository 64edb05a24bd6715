package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.StaticIdentity;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A TUN device deleted behind the engine's back is replaced, host plan and all, without a new handshake. */
class DeadDeviceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();

    @Test
    void aClientAndAServerMakeANewDeviceWhenTheirsDies() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                        List.of(alice.publicKey()), List.of()));
                TunnelHarness.Node<ClientTunnel> client = net.client(
                        TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()), "198.51.100.10");

                for (TunnelHarness.Node<?> node : List.of(client, server)) {
                    FakeTun.Device dead = node.tun();
                    dead.die();
                    TunnelHarness.await("a new device", WAIT, () -> node.tunBackend.devices.size() == 2);
                    TunnelHarness.await("the old plan reverted and a new one applied", WAIT,
                            () -> node.netconf.applied.size() == 2 && node.netconf.applied.get(0).closes.get() == 1);
                    assertEquals(node.tunBackend.opened.get(0), node.tunBackend.opened.get(1), "the same settings");
                    assertTrue(dead.isClosed());
                    assertTrue(node.tunnel.isRunning());
                }

                byte[] up = Packets.udp("10.67.0.2", "192.0.2.99", "through the new devices");
                client.tun().inject(up);
                assertArrayEquals(up, server.tun().awaitDelivered(WAIT));
                byte[] down = Packets.udp("192.0.2.99", "10.67.0.2", "and back");
                server.tun().inject(down);
                assertArrayEquals(down, client.tun().awaitDelivered(WAIT));
                assertEquals(1, server.counter("handshakes"), "the sessions were kept");
                assertEquals("connected", client.tunnel.status().state());
            });
        }
    }

    @Test
    void aTunnelWhoseDeviceCannotBeMadeAgainStops() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                        List.of(alice.publicKey()), List.of()));
                server.netconf.failWith(new IOException("iptables-restore not found"));
                server.tun().die();
                assertTrue(server.tunnel.awaitStopped(10, java.util.concurrent.TimeUnit.SECONDS));
                assertFalse(server.tunnel.isRunning());
                assertEquals(1, server.netconf.applied.get(0).closes.get(), "the first plan was reverted");
            });
        }
    }
}
