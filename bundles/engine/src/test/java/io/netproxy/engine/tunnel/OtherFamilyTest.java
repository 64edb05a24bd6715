package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.StaticIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server whose name has an address of each family, the first of which the network does not carry: the client
 * moves to the other on its own after {@link ClientTunnel#OTHER_FAMILY_AFTER_NANOS_PER_TRANSPORT}, with a plan set up
 * for both from the start; on a configurator that does not take other server addresses it stays where it is.
 */
class OtherFamilyTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    /** Where nothing listens: the network drops what is sent there. */
    private static final InetSocketAddress SILENT = new InetSocketAddress(ipv6("2001:db8:5e::10"), TunnelHarness.PORT);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();
    private final FakeClock clock = new FakeClock();

    private static InetAddress ipv6(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /**
     * Starts the client on another thread and moves the fake clock a second every 100 ms until it is connected or gives
     * up after {@code timeoutSeconds} (of real time: its timer ticks once a real second).
     */
    private ClientTunnel connect(TunnelHarness.Node<ClientTunnel> node, int timeoutSeconds) throws Exception {
        TunnelSpec client = TunnelHarness.keyClient("alice", alice.privateKey().clone(), serverKey.publicKey()).toBuilder()
                .handshakeTimeoutSeconds(timeoutSeconds).build();
        CompletableFuture<ClientTunnel> connecting = CompletableFuture.supplyAsync(() -> {
            try {
                return ClientTunnel.start(client, node.plugins, List.of(SILENT, TunnelHarness.SERVER));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // the tunnel's own timer ticks it once a real second, and sees the fake clock moved on
        for (int i = 0; i < 10 * (timeoutSeconds + 5) && !connecting.isDone(); i++) {
            clock.advance(SECOND);
            Thread.sleep(100);
        }
        return connecting.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientMovesToTheServersOtherAddressWhenTheFirstIsSilent() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv",
                        serverKey.privateKey().clone(), List.of(alice.publicKey()), List.of()));
                TunnelHarness.Node<ClientTunnel> node = net.clientNode("198.51.100.10");
                node.tunnel = connect(node, 30);
                assertEquals("192.0.2.1:6767", node.tunnel.status().endpoint());
                NetworkPlan plan = node.netconf.plans.get(0);
                assertEquals("192.0.2.1", plan.serverAddress());
                assertEquals(List.of("2001:db8:5e:0:0:0:0:10"), plan.otherServerAddresses(),
                        "the host is set up for the address it may move back to");
                TunnelHarness.roundTrip(server, node, "over the other address");
            });
        }
    }

    @Test
    void onAConfiguratorWithoutOtherServerAddressesItStaysAtTheFirst() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                net.server(TunnelHarness.keyServer("srv", serverKey.privateKey().clone(), List.of(alice.publicKey()),
                        List.of()));
                TunnelHarness.Node<ClientTunnel> node = net.clientNode("198.51.100.10");
                node.netconf.otherServerAddresses = false;
                ExecutionException failed = assertThrows(ExecutionException.class, () -> connect(node, 4));
                assertTrue(failed.getCause().getMessage().contains("no valid handshake response from "
                        + "[2001:db8:5e:0:0:0:0:10]:6767 or 192.0.2.1:6767"), failed.getCause().getMessage());
            });
        }
    }
}
