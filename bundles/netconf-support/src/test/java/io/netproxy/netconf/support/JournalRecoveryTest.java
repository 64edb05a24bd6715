package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which journals recovery reverts, against fake tools that write down how they were called. */
class JournalRecoveryTest {
    private static final JournalKey IPTABLES = new JournalKey("home", "iptables");
    private static final JournalKey NFTABLES = new JournalKey("home", "nftables");
    private static final JournalKey OTHER_TUNNEL = new JournalKey("home.b", "iptables");

    @TempDir
    Path tempDir;

    private Path calls;
    private JournalDirectory journals;
    private JournalRecovery recovery;

    @BeforeEach
    void fakeTools() throws IOException {
        Path bin = Files.createDirectories(tempDir.resolve("bin"));
        calls = tempDir.resolve("calls");
        for (String tool : List.of("ip", "nft", "iptables-restore")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho \"" + tool + " $*\" >> '" + calls + "'\n", UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        SystemTools tools = new SystemTools(new CommandRunner(List.of(), Duration.ofSeconds(10)), List.of(bin));
        journals = new JournalDirectory(tempDir.resolve("netconf"), "the test namespace");
        recovery = new JournalRecovery(journals, new Reverter(tools), List.of());
    }

    private void abandon(JournalKey key, UndoStep step) throws IOException {
        try (Journal journal = journals.create(key)) {
            journal.append(step);
        }
    }

    private static UndoStep nftDelete(String table) {
        return new UndoStep(Tool.NFT, List.of("delete", "table", "ip", table), "", "delete nftables table " + table);
    }

    private static UndoStep routeDelete(String route) {
        return new UndoStep(Tool.IP, List.of("route", "del", route, "dev", "np0"), "", "delete route " + route);
    }

    private List<String> calls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void beforeApplyingEveryAbandonedJournalOfTheTunnelIsRevertedWhicheverConfiguratorWroteIt() throws IOException {
        abandon(NFTABLES, nftDelete("netproxy_1"));
        abandon(IPTABLES, routeDelete("10.1.0.0/16"));
        abandon(OTHER_TUNNEL, routeDelete("10.2.0.0/16"));

        List<String> reverted = recovery.recoverTunnel(IPTABLES);

        assertEquals(List.of("tunnel home: delete route 10.1.0.0/16", "tunnel home: delete nftables table netproxy_1"),
                reverted);
        assertEquals(List.of("ip route del 10.1.0.0/16 dev np0", "nft delete table ip netproxy_1"), calls());
        assertEquals(List.of(journals.fileOf(OTHER_TUNNEL)), journals.journals(), "another tunnel's journal stays");
    }

    @Test
    void anotherConfiguratorsLiveJournalOfTheTunnelIsAHandOverAndStays() throws IOException {
        try (Journal live = journals.create(NFTABLES)) {
            live.append(nftDelete("netproxy_1"));
            assertEquals(List.of(), recovery.recoverTunnel(IPTABLES));
            assertEquals(List.of(), calls());
            assertTrue(journals.isLive(NFTABLES));

            try (Journal own = journals.create(IPTABLES)) {
                own.append(routeDelete("10.1.0.0/16"));
                IOException e = assertThrows(IOException.class, () -> recovery.recoverTunnel(IPTABLES));
                assertTrue(e.getMessage().contains("tunnel home is already applied"), e.getMessage());
                assertEquals(List.of(), recovery.recoverAll(), "both are live");
            }
        }
        assertEquals(2, recovery.recoverAll().size());
        assertEquals(List.of(), journals.journals());
    }

    @Test
    void anEmptyJournalIsRemovedOnlyByItsOwnConfigurator() throws IOException {
        // what a creator leaves for an instant (or a crash leaves) between creating the file and writing to it
        journals.create(NFTABLES).close();
        Files.write(journals.fileOf(NFTABLES), new byte[0]);
        journals.create(IPTABLES).close();
        Files.write(journals.fileOf(IPTABLES), new byte[0]);
        assertEquals(List.of(), recovery.recoverTunnel(IPTABLES));
        assertEquals(List.of(journals.fileOf(NFTABLES)), journals.journals(),
                "an empty journal of another configurator may be one it is creating right now");
        assertFalse(Files.exists(journals.fileOf(IPTABLES)));
    }
}
