package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DNS search domains that a server pushes with its DNS servers (PROTOCOL.md 7.1, control type 4): a client puts them
 * into its plan beside the servers from the start, with or without IPv6 on either side, and not when it keeps the
 * host's DNS; a change reaches it at its next handshake.
 */
class DnsSearchTunnelTest {
    private static final List<String> SEARCH = List.of("corp.example", "lab.corp.example");

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();

    private TunnelSpec server(String pool6, List<String> search) {
        return TunnelHarness.keyServer("srv", serverKey.privateKey().clone(), List.of(alice.publicKey()), List.of())
                .toBuilder().pool6(pool6).dns(List.of("192.0.2.53")).dnsSearch(search).build();
    }

    private TunnelSpec client() {
        return TunnelHarness.keyClient("alice", alice.privateKey().clone(), serverKey.publicKey());
    }

    private static NetworkPlan latest(TunnelHarness.Node<?> node) {
        return node.netconf.plans.get(node.netconf.plans.size() - 1);
    }

    private static TunnelHarness.Node<ClientTunnel> connect(TunnelHarness net, TunnelSpec spec, boolean ipv6)
            throws java.io.IOException {
        TunnelHarness.Node<ClientTunnel> node = net.clientNode("198.51.100.10");
        node.netconf.ipv6Inside = ipv6;
        node.tunnel = ClientTunnel.start(spec, node.plugins);
        return node;
    }

    @Test
    void theClientsFirstPlanHasTheSearchDomainsWithOrWithoutIpv6() throws Exception {
        for (boolean ipv6 : List.of(false, true)) {
            try (TunnelHarness net = new TunnelHarness()) {
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    net.server(server(ipv6 ? "2001:db8:7e::/64" : null, SEARCH), node -> node.netconf.ipv6Inside = ipv6);
                    TunnelHarness.Node<ClientTunnel> client = connect(net, client(), ipv6);
                    assertEquals(1, client.netconf.plans.size(), "in one plan, from the start");
                    assertEquals(SEARCH, latest(client).dnsSearch());
                    assertEquals(List.of("192.0.2.53"), latest(client).dns());
                    assertEquals(ipv6 ? List.of("0.0.0.0/0", "::/0") : List.of("0.0.0.0/0"), latest(client).routes());
                });
            }
        }
    }

    @Test
    void aClientThatKeepsTheHostsDnsOrReachesNoServerTakesNoSearchDomains() throws Exception {
        for (TunnelSpec spec : List.of(client().toBuilder().noDns(true).build(),
                client().toBuilder().routes(List.of("198.18.7.0/24")).build())) {
            try (TunnelHarness net = new TunnelHarness()) {
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    net.server(server(null, SEARCH));
                    TunnelHarness.Node<ClientTunnel> client = connect(net, spec, false);
                    assertEquals(List.of(), latest(client).dns());
                    assertEquals(List.of(), latest(client).dnsSearch());
                });
            }
        }
    }

    @Test
    void aChangeReachesTheClientAtItsNextHandshakeAndRebuildsNothingWithNoDns() throws Exception {
        for (boolean noDns : List.of(false, true)) {
            try (TunnelHarness net = new TunnelHarness(new FakeClock())) {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    TunnelHarness.Node<ServerTunnel> server = net.server(server(null, SEARCH));
                    TunnelHarness.Node<ClientTunnel> client = connect(net, client().toBuilder().noDns(noDns).build(), false);
                    int plans = client.netconf.plans.size();
                    assertTrue(server.tunnel.updateInPlace(server(null, List.of("corp.example"))));
                    // the rekey after two minutes asks for the settings again
                    for (int second = 0; second < 125; second++) net.second(server, client);
                    if (noDns) {
                        assertEquals(plans, client.netconf.plans.size(), "nothing to rebuild for domains it does not use");
                    } else {
                        assertEquals(plans + 1, client.netconf.plans.size());
                        assertEquals(List.of("corp.example"), latest(client).dnsSearch());
                    }
                });
            }
        }
    }

    @Test
    void searchDomainsNeedDnsServersAndAreDomains() {
        TunnelSpec.Builder withoutServers = TunnelHarness.keyServer("srv", serverKey.privateKey().clone(),
                List.of(alice.publicKey()), List.of()).toBuilder().dnsSearch(SEARCH);
        assertThrows(IllegalArgumentException.class, withoutServers::build);
        for (List<String> bad : List.of(List.of("corp..example"), List.of("corp.example", "corp.example"),
                List.of("a", "b", "c", "d", "e", "f", "g"), List.of("x".repeat(64) + ".example"))) {
            assertThrows(IllegalArgumentException.class, () -> server(null, bad), bad.toString());
        }
    }
}
