package io.netproxy.netconf.nftables;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import io.netproxy.host.Executables;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.netconf.iptables.IptablesNetworkConfigurator;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.testing.TestNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies real plans with nft inside network namespaces of the test's own (see {@link TestNetwork}), beside a
 * table of "the user's" and iptables-nft rules, and checks that closing, rolling back and crash recovery leave
 * every table, rule, route and sysctl as it was.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NamespaceIntegrationTest {
    private static final String SUBNET = "198.18.99.0/24";
    private static final String USERS_TABLE = """
            table inet user {
            \tchain forward {
            \t\ttype filter hook forward priority 0; policy accept;
            \t\tip saddr 203.0.113.0/24 drop
            \t}
            \tchain postrouting {
            \t\ttype nat hook postrouting priority 100; policy accept;
            \t\tip saddr 203.0.113.0/24 return
            \t}
            }
            """;

    @TempDir
    Path stateDir;

    private TestNetwork network;
    private NftablesNetworkConfigurator configurator;
    private String before;
    private String usersTable;
    private String iptablesRules;

    static NetworkPlan serverPlan(String tunnelId) {
        return new NetworkPlan(tunnelId, Role.SERVER, TestNetwork.TUN, SUBNET, null, null, List.of(), List.of());
    }

    static NetworkPlan clientPlan(String tunnelId, String server, List<String> routes) {
        return new NetworkPlan(tunnelId, Role.CLIENT, TestNetwork.TUN, null, null, server, routes, List.of());
    }

    @BeforeEach
    void createNamespaces() throws IOException {
        // nftables is optional (iptables is the default without it), so its absence is a skip even under CI=true
        Assumptions.assumeTrue(TestNetwork.hasNft(), "nft is not installed (apt-get install nftables)");
        network = TestNetwork.create();
        network.runner().run(List.of("nft", "-f", "-"), USERS_TABLE);
        configurator = newConfigurator();
        before = network.snapshot();
        usersTable = network.inside("nft", "list", "table", "inet", "user");
        iptablesRules = iptablesRules();
    }

    @AfterEach
    void deleteNamespaces() {
        if (network != null) network.close();
    }

    private NftablesNetworkConfigurator newConfigurator() throws IOException {
        return new NftablesNetworkConfigurator(new SystemTools(network.runner()), journals());
    }

    private NamespaceJournals journals() throws IOException {
        return new NamespaceJournals(stateDir.resolve("netconf"), NetworkNamespace.named(network.namespace));
    }

    private String table(String tunnelId) throws IOException {
        return network.inside("nft", "list", "table", "ip", ServerTable.nameOf(tunnelId));
    }

    private boolean hasTable(String tunnelId) throws IOException {
        return network.inside("nft", "list", "tables").contains(ServerTable.nameOf(tunnelId));
    }

    private String iptablesRules() throws IOException {
        return network.inside("iptables-save").lines().filter(line -> !line.startsWith("#")).toList().toString();
    }

    private String forwarding() throws IOException {
        return network.inside("sysctl", "-n", "net.ipv4.ip_forward").strip();
    }

    private void assertRestoredAndNoJournalLeft() throws IOException {
        assertEquals(before, network.snapshot());
        assertEquals(List.of(), journals().own().journals());
    }

    @Test
    void serverPlanMakesItsOwnTableBesideTheUsersAndCloseRestoresEverything() throws IOException {
        AppliedNetworkPlan applied = configurator.apply(serverPlan("it-server"));

        String table = table("it-server");
        assertTrue(table.contains("type filter hook forward priority filter - 1; policy accept;"), table);
        assertTrue(table.contains("iifname \"" + TestNetwork.TUN + "\" accept comment \"netproxy it-server\""), table);
        assertTrue(table.contains("oifname \"" + TestNetwork.TUN + "\" ct state established,related accept"), table);
        assertTrue(table.contains("type filter hook forward priority mangle - 1; policy accept;"), table);
        assertTrue(table.contains("tcp option maxseg size set rt mtu"), table);
        assertTrue(table.contains("type nat hook postrouting priority srcnat - 1; policy accept;"), table);
        assertTrue(table.contains("ip saddr " + SUBNET + " oifname \"" + TestNetwork.UPLINK + "\" masquerade"), table);
        assertEquals(usersTable, network.inside("nft", "list", "table", "inet", "user"), "the user's table stays as it was");
        assertEquals(iptablesRules, iptablesRules(),
                "and so do iptables' tables");
        assertEquals("1", forwarding());
        assertEquals(List.of(journals().own().directory().resolve("it-server.nftables.journal")), journals().own().journals());
        assertTrue(applied.describe().stream().anyMatch(line -> line.contains("out of " + TestNetwork.UPLINK)),
                applied.describe().toString());

        applied.close();
        assertRestoredAndNoJournalLeft();
        applied.close();
    }

    @Test
    void bothConfiguratorsServeOneTunnelAtOnceAndEachRevertsOnlyItsOwn() throws IOException {
        // a hand-over from one configurator to the other: the new one applies before the old one lets go
        IptablesNetworkConfigurator iptables = new IptablesNetworkConfigurator(new SystemTools(network.runner()), journals());
        AppliedNetworkPlan old = iptables.apply(serverPlan("it-swap"));
        AppliedNetworkPlan replacement = configurator.apply(serverPlan("it-swap"));
        assertTrue(hasTable("it-swap"));
        assertTrue(network.inside("iptables-save").contains("netproxy it-swap"));
        assertEquals(List.of(), newConfigurator().recover(), "both are live");
        IOException twice = assertThrows(IOException.class, () -> configurator.apply(serverPlan("it-swap")));
        assertTrue(twice.getMessage().contains("already applied"), twice.getMessage());

        old.close();
        assertTrue(hasTable("it-swap"), "the nftables plan stays");
        assertFalse(network.inside("iptables-save").contains("netproxy it-swap"), "the iptables one is gone");
        assertEquals("1", forwarding(), "the tunnel still forwards");
        assertEquals(List.of(), newConfigurator().recover());

        // and the way back
        AppliedNetworkPlan back = iptables.apply(serverPlan("it-swap"));
        replacement.close();
        assertFalse(hasTable("it-swap"));
        assertTrue(network.inside("iptables-save").contains("netproxy it-swap"));
        assertEquals("1", forwarding());

        back.close();
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void aFailedTransactionIsRolledBackWithTheForwardingItHeld(@TempDir Path fakeBin) throws IOException {
        Path nft = fakeBin.resolve("nft");
        Files.writeString(nft, "#!/bin/sh\nif [ \"$1\" = -f ]; then echo 'Error: simulated failure' >&2; exit 1; fi\n"
                + "exec " + Executables.find("nft", Executables.defaultSearchPath()).orElseThrow() + " \"$@\"\n", UTF_8);
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwx------"));
        List<Path> searchPath = new ArrayList<>(List.of(fakeBin));
        searchPath.addAll(Executables.defaultSearchPath());
        NftablesNetworkConfigurator failing = new NftablesNetworkConfigurator(
                new SystemTools(network.runner(), searchPath), journals());

        IOException e = assertThrows(IOException.class, () -> failing.apply(serverPlan("it-fail")));
        assertTrue(e.getMessage().contains("simulated failure"), e.getMessage());
        assertEquals(0, e.getSuppressed().length, "the rollback found the table not there and counted that as done: "
                + java.util.Arrays.toString(e.getSuppressed()));
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void clientPlanRoutesThroughTheTunnelLikeIptables() throws IOException {
        AppliedNetworkPlan applied = configurator.apply(clientPlan("it-client", "198.51.100.7", List.of("0.0.0.0/0")));
        String routes = network.inside("ip", "-4", "route", "show");
        assertTrue(routes.contains("198.51.100.7 via " + TestNetwork.GATEWAY + " dev " + TestNetwork.UPLINK), routes);
        assertTrue(routes.contains("0.0.0.0/1 dev " + TestNetwork.TUN), routes);
        String ipv6Block = KillSwitchTable.ipv6Block("it-client", TestNetwork.TUN, java.util.List.of(new io.netproxy.netconf.support.ServerAddress(new io.netproxy.netconf.support.Ipv4Address(0), null))).name();
        String tables = network.nftTables();
        assertTrue(tables.contains("table ip6 " + ipv6Block + " {"), "a full tunnel blocks IPv6: " + tables);
        assertEquals(usersTable.strip(), tables.substring(0, tables.indexOf("table ip6 " + ipv6Block)).strip(),
                "no other table of netproxy's on a client");
        applied.close();
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void clientPlansOfBothConfiguratorsRouteTogetherWithoutAGapAndEachRemovesOnlyItsOwn() throws IOException {
        IptablesNetworkConfigurator iptables = new IptablesNetworkConfigurator(new SystemTools(network.runner()), journals());
        NetworkPlan plan = clientPlan("it-client-swap", "198.51.100.7", List.of("0.0.0.0/0"));
        AppliedNetworkPlan old = iptables.apply(plan);
        String alone = network.inside("ip", "-4", "route", "show");
        AppliedNetworkPlan replacement = configurator.apply(plan);
        String both = network.inside("ip", "-4", "route", "show");
        assertTrue(both.contains("0.0.0.0/1 dev " + TestNetwork.TUN + " proto 67 scope link metric 1"), both);
        assertEquals(2, both.lines().filter(line -> line.startsWith("0.0.0.0/1 ")).count(), both);
        assertEquals(2, both.lines().filter(line -> line.startsWith("198.51.100.7 via")).count(), both);
        assertTrue(alone.contains("0.0.0.0/1 dev " + TestNetwork.TUN + " proto 67 scope link"), alone);

        old.close();
        String after = network.inside("ip", "-4", "route", "show");
        assertTrue(after.contains("0.0.0.0/1 dev " + TestNetwork.TUN + " proto 67 scope link metric 1"), after);
        assertTrue(after.contains("128.0.0.0/1 dev " + TestNetwork.TUN), after);
        assertEquals(1, after.lines().filter(line -> line.startsWith("0.0.0.0/1 ")).count(), after);
        assertEquals(1, after.lines().filter(line -> line.startsWith("198.51.100.7 via")).count(),
                "the replacement's pinned route stays: " + after);

        replacement.close();
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void killedProcessIsRevertedByRecoverWhicheverConfiguratorMadeIt() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.io=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashingApplier.class.getName(),
                network.namespace, stateDir.resolve("netconf").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertEquals("APPLIED", output.readLine());
            assertNotEquals(before, network.snapshot());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertEquals(3, journals().own().journals().size());

        List<String> reverted = newConfigurator().recover();

        assertTrue(reverted.contains("tunnel it-crash-server: delete nftables table ip " + ServerTable.nameOf("it-crash-server")),
                reverted.toString());
        assertTrue(reverted.stream().anyMatch(line -> line.startsWith("tunnel it-crash-iptables: remove iptables chains")),
                reverted.toString());
        assertTrue(reverted.contains("tunnel it-crash-client: delete route 0.0.0.0/1 dev " + TestNetwork.TUN), reverted.toString());
        assertTrue(reverted.contains("net.ipv4.ip_forward: restore net.ipv4.ip_forward=0 (no tunnel needs it anymore)"),
                reverted.toString());
        assertRestoredAndNoJournalLeft();
        assertEquals(List.of(), newConfigurator().recover());
    }
}
