package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client hands the DNS servers its server pushes to its network configurator, follows a change of them at its next
 * handshake, and hands none with {@code noDns} (the host keeps its own).
 */
class PushedDnsTest {
    private final FakeClock clock = new FakeClock();
    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();

    private TunnelSpec server(List<String> dns) {
        return TunnelSpec.builder("srv", TunnelSpec.Role.SERVER).host(TunnelHarness.SERVER_IP).port(TunnelHarness.PORT)
                .privateKey(serverKey.privateKey().clone()).peerPublicKeys(List.of(alice.publicKey()))
                .pool(TunnelHarness.POOL).dns(dns).build();
    }

    private TunnelSpec client(boolean noDns) {
        return TunnelHarness.keyClient("alice", alice.privateKey().clone(), serverKey.publicKey()).toBuilder()
                .noDns(noDns).build();
    }

    private static NetworkPlan latest(TunnelHarness.Node<ClientTunnel> client) {
        return client.netconf.plans.get(client.netconf.plans.size() - 1);
    }

    @Test
    void aClientUsesThePushedServersAndFollowsAChangeAtItsNextHandshake() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(server(List.of("192.0.2.53")));
                TunnelHarness.Node<ClientTunnel> client = net.client(client(false), "198.51.100.10");
                assertEquals(List.of("192.0.2.53"), latest(client).dns());

                assertTrue(server.tunnel.updateInPlace(server(List.of("192.0.2.54", "192.0.2.55"))));
                // the rekey after two minutes carries the new servers
                for (int second = 0; second < 125 && latest(client).dns().size() == 1; second++) net.second(server, client);
                assertEquals(List.of("192.0.2.54", "192.0.2.55"), latest(client).dns());
                assertEquals(1, client.netconf.applied.get(0).closes.get(), "the plan with the old servers is reverted");
            });
        }
    }

    @Test
    void withNoDnsTheHostKeepsItsOwn() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                net.server(server(List.of("192.0.2.53")));
                TunnelHarness.Node<ClientTunnel> client = net.client(client(true), "198.51.100.10");
                assertEquals(List.of(), latest(client).dns());
            });
        }
    }
}
