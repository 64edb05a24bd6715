package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The automatic transport policy on the network of scripts/netns-topology.sh: a server started without
 * {@code --transport} listens on UDP and TCP, and a client started without it moves to TCP when the router drops
 * UDP to the server, and back when the router lets it through again. Nothing changes on the server.
 */
class TransportFallbackIT extends OnTopology {
    /** What the router's firewall gets to block UDP to the server; inserted and deleted by the tests. */
    private static final List<String> BLOCK_UDP = List.of("-p", "udp", "-d", SERVER, "--dport", "6767", "-j", "DROP");

    private Path password;
    private Installation server;
    private Installation client;
    private boolean udpBlocked;

    TransportFallbackIT() {
        super('t');
    }

    @BeforeAll
    void writePassword() throws Exception {
        password = topology.secret("password", "udp or tcp, all the same");
    }

    @BeforeEach
    void startServer() throws Exception {
        server = sharedInstallation("srv");
        server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        String log = Files.readString(server.foregroundLog());
        assertTrue(log.contains("(udp+tcp)"), "a server listens on UDP and TCP by default: " + log);
        client = sharedInstallation("c1");
    }

    @AfterEach
    void letUdpThrough() throws Exception {
        if (udpBlocked) unblockUdp();
    }

    @Test
    void aClientMovesToTcpWhenUdpIsBlockedAndBackWhenItIsNot() throws Exception {
        connect();
        assertTrue(clientStatus().contains("(udp)"), clientStatus());
        Process pings = topology.pingStream("c1", "0.1", work.resolve("ping-fallback.log"));
        try {
            blockUdp();
            long blocked = System.nanoTime();
            Namespaces.waitFor(() -> clientStatus().contains("(tcp)") && clientStatus().contains("client connected"),
                    30, "the client on TCP");
            long onTcp = System.nanoTime();
            topology.checkedDownload("c1", 5_000_000);
            String peers = server.run(30, "peers").output();
            assertTrue(peers.contains("(tcp)"), "the server answers the client over TCP: " + peers);

            unblockUdp();
            long unblocked = System.nanoTime();
            Namespaces.waitFor(() -> clientStatus().contains("(udp)"), 30, "the client back on UDP");
            long onUdp = System.nanoTime();
            topology.checkedDownload("c1", 5_000_000);
            System.out.printf("transport fallback: on TCP %.1f s after UDP was blocked, back on UDP %.1f s after it "
                            + "was let through%n", (onTcp - blocked) / 1e9, (onUdp - unblocked) / 1e9);
        } finally {
            pings.destroy();
            pings.waitFor(10, TimeUnit.SECONDS);
        }
        System.out.println("transport fallback: longest gap between ping replies (every 100 ms): "
                + Topology.longestGapMillis(work.resolve("ping-fallback.log")) + " ms");
    }

    @Test
    void aClientConnectsOverTcpWhenUdpIsBlockedFromTheStart() throws Exception {
        blockUdp();
        connect();
        assertTrue(clientStatus().contains("(tcp)"), clientStatus());
        topology.checkedDownload("c1", 2_000_000);
    }

    @Test
    void aClientThatNamesTcpUsesOnlyTcp() throws Exception {
        connect("--transport", "tcp");
        assertTrue(clientStatus().contains("(tcp)"), clientStatus());
        topology.checkedDownload("c1", 2_000_000);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private void connect(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("connect", SERVER, "--password-file", password.toString(), "-d"));
        command.addAll(List.of(args));
        Namespaces.Result result = client.run(60, command.toArray(String[]::new));
        assertTrue(result.ok(), "connect failed: " + result.output());
    }

    private String clientStatus() throws Exception {
        return client.run(30, "status").output();
    }

    private void blockUdp() throws Exception {
        topology.routerRule("-I", BLOCK_UDP);
        udpBlocked = true;
    }

    private void unblockUdp() throws Exception {
        topology.routerRule("-D", BLOCK_UDP);
        udpBlocked = false;
    }
}
