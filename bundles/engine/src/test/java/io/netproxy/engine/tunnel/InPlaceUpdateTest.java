package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server's pushed routes and DNS change without a restart; anything else is refused for a restart. */
class InPlaceUpdateTest {
    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();

    private TunnelSpec server(String pool, List<String> pushRoutes, List<String> dns) {
        return TunnelSpec.builder("srv", TunnelSpec.Role.SERVER).host(TunnelHarness.SERVER_IP).port(TunnelHarness.PORT)
                .privateKey(serverKey.privateKey().clone()).peerPublicKeys(List.of(alice.publicKey())).pool(pool)
                .pushRoutes(pushRoutes).dns(dns).build();
    }

    @Test
    void pushedRoutesAndDnsChangeInPlaceAndOtherSettingsAreRefused() throws Exception {
        try (TunnelHarness net = new TunnelHarness()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(server(TunnelHarness.POOL, List.of("10.0.0.0/8"), List.of()));

                assertTrue(server.tunnel.updateInPlace(server(TunnelHarness.POOL, List.of("192.0.2.0/24"), List.of("192.0.2.53"))));
                TunnelHarness.Node<ClientTunnel> client = net.client(
                        TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()), "198.51.100.10");
                assertEquals(List.of("192.0.2.0/24"), client.netconf.plans.get(0).routes(), "the new routes are pushed");
                assertEquals(List.of("192.0.2.53"), client.netconf.plans.get(0).dns());
                assertEquals(1, server.tunBackend.opened.size(), "the server was not restarted");

                assertFalse(server.tunnel.updateInPlace(server("10.68.0.0/24", List.of("192.0.2.0/24"), List.of())),
                        "another pool needs a restart");
                assertThrows(IllegalArgumentException.class, () -> server.tunnel.updateInPlace(
                        server(TunnelHarness.POOL, Collections.nCopies(200, "192.0.2.0/24"), List.of())));
                assertTrue(server.tunnel.isRunning());
            });
        }
    }
}
