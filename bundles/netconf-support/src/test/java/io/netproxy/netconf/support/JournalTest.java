package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final UndoStep SYSCTL = new UndoStep(Tool.SYSCTL, List.of("-q", "-w", "net.ipv4.ip_forward=0"), "",
            "restore net.ipv4.ip_forward=0");
    private static final UndoStep IPTABLES = new UndoStep(Tool.IPTABLES_RESTORE, List.of("-n"),
            "*filter\n-D FORWARD -m comment --comment \"netproxy t\" -j X\n-F X\n-X X\nCOMMIT\n",
            "remove iptables chains X\twith a tab and a \\ backslash");
    private static final UndoStep ROUTE = new UndoStep(Tool.IP, List.of("route", "del", "0.0.0.0/1", "dev", "tun0"), "",
            "delete route 0.0.0.0/1 dev tun0");

    private static final JournalKey T1 = new JournalKey("t1", "iptables");

    @TempDir
    Path stateDir;

    @Test
    void stepsReadBackAsWrittenAndSurviveTheProcess() throws IOException {
        JournalDirectory directory = new JournalDirectory(stateDir.resolve("netconf"), "the test namespace");
        try (Journal journal = directory.create(T1)) {
            journal.append(SYSCTL);
            journal.append(IPTABLES);
            journal.append(ROUTE);
            assertEquals(List.of(SYSCTL, IPTABLES, ROUTE), journal.steps());
        }
        Path file = directory.fileOf(T1);
        assertEquals(List.of(file), directory.journals());
        assertEquals(List.of(SYSCTL, IPTABLES, ROUTE), Journal.parse(Files.readString(file)));
        assertEquals(directory.directory().resolve("t1.iptables.journal"), file);
        assertEquals(Optional.of(T1), JournalDirectory.keyOf(file));
    }

    @Test
    void directoryIsPrivateAndJournalsAreReadableByTheOwnerOnly() throws IOException {
        JournalDirectory directory = new JournalDirectory(stateDir.resolve("netconf"), "the test namespace");
        try (Journal journal = directory.create(T1)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("netconf"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal.file())));
        }
    }

    @Test
    void aLineTornByACrashIsIgnored() throws IOException {
        String text = "# header\n" + "ip\tdelete route\t\troute\tdel\t10.0.0.0/8\tdev\ttun0\n" + "sysctl\trestore net.ip";
        assertEquals(List.of(new UndoStep(Tool.IP, List.of("route", "del", "10.0.0.0/8", "dev", "tun0"), "",
                "delete route")), Journal.parse(text));
    }

    @Test
    void malformedLinesAreReported() {
        assertThrows(IOException.class, () -> Journal.parse("ebtables\tx\t\t-D\n"));
        assertThrows(IOException.class, () -> Journal.parse("ip\tbad escape \\q\t\troute\n"));
        assertThrows(IOException.class, () -> Journal.parse("ip only\n"));
    }

    @Test
    void aLiveJournalIsNotHandedToRecoveryAndAFinishedOneDisappears() throws IOException {
        JournalDirectory directory = new JournalDirectory(stateDir.resolve("netconf"), "the test namespace");
        Journal live = directory.create(T1);
        live.append(ROUTE);
        assertEquals(Optional.empty(), Journal.openIfAbandoned(live.file()));
        live.delete();
        assertFalse(Files.exists(live.file()));
        assertEquals(List.of(), directory.journals());
    }

    @Test
    void anAbandonedJournalCanBeTakenOver() throws IOException {
        JournalDirectory directory = new JournalDirectory(stateDir.resolve("netconf"), "the test namespace");
        try (Journal journal = directory.create(T1)) {
            journal.append(ROUTE);
        }
        Journal taken = Journal.openIfAbandoned(directory.fileOf(T1)).orElseThrow();
        assertFalse(taken.isFinished());
        assertEquals(List.of(ROUTE), taken.steps());
        taken.delete();
        assertEquals(List.of(), directory.journals());
    }

    @Test
    void onlyJournalFilesAreListed() throws IOException {
        Path dir = Files.createDirectories(stateDir.resolve("netconf"));
        Files.writeString(dir.resolve("notes.txt"), "x", UTF_8, StandardOpenOption.CREATE);
        assertTrue(new JournalDirectory(dir, "the test namespace").journals().isEmpty());
        assertTrue(new JournalDirectory(stateDir.resolve("missing"), "the test namespace").journals().isEmpty());
    }
}
