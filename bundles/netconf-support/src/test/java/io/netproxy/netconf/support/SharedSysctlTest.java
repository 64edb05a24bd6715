package io.netproxy.netconf.support;

import io.netproxy.host.CommandRunner;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The holder bookkeeping of a shared sysctl, against a fake sysctl that keeps its value in a file. */
class SharedSysctlTest {
    private static final String NAME = "net.ipv4.ip_forward";

    @TempDir
    Path tempDir;

    private Path value;
    private JournalDirectory journals;
    private SharedSysctl forwarding;

    @BeforeEach
    void fakeSysctl() throws IOException {
        Path bin = Files.createDirectories(tempDir.resolve("bin"));
        value = tempDir.resolve("ip_forward");
        Files.writeString(value, "0\n", UTF_8);
        Path sysctl = bin.resolve("sysctl");
        Files.writeString(sysctl, """
                #!/bin/sh
                case "$1" in
                  -n) cat '%1$s' ;;
                  -q) echo "${3#*=}" > '%1$s' ;;
                  *) echo "unexpected arguments: $*" >&2; exit 2 ;;
                esac
                """.formatted(value), UTF_8);
        Files.setPosixFilePermissions(sysctl, PosixFilePermissions.fromString("rwx------"));
        SystemTools tools = new SystemTools(new CommandRunner(List.of(), Duration.ofSeconds(10)), List.of(bin));
        journals = new JournalDirectory(tempDir.resolve("netconf"), "the test namespace");
        forwarding = SharedSysctl.ipForward(journals, tools);
    }

    private boolean live(String holder) {
        try {
            return journals.isLive(JournalKey.parse(holder));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String current() throws IOException {
        return Files.readString(value, UTF_8).strip();
    }

    private Optional<SharedSysctl.State> state() throws IOException {
        return forwarding.state();
    }

    private static SharedSysctl.State state(String original, String... holders) {
        return new SharedSysctl.State(original, new TreeSet<>(Set.of(holders)));
    }

    @Test
    void theFirstHolderRecordsTheOriginalAndOnlyTheLastReleaseRestoresIt() throws IOException {
        assertEquals(NAME + " set to 1 (was 0)", forwarding.hold("a.iptables"));
        assertEquals("1", current());
        assertEquals(Optional.of(state("0", "a.iptables")), state());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(forwarding.stateFile())));

        String second = forwarding.hold("b.iptables");
        assertTrue(second.startsWith(NAME + " was already 1, shared with tunnel(s) a.iptables"), second);
        assertEquals(Optional.of(state("0", "a.iptables", "b.iptables")), state(), "the second holder keeps the original");

        assertEquals(List.of(), forwarding.release("a.iptables"));
        assertEquals("1", current(), "b still needs forwarding");
        assertEquals(Optional.of(state("0", "b.iptables")), state());
        assertEquals(List.of(), forwarding.release("a.iptables"), "releasing twice changes nothing");
        assertEquals("1", current());

        assertEquals(List.of(NAME + ": restore " + NAME + "=0 (no tunnel needs it anymore)"), forwarding.release("b.iptables"));
        assertEquals("0", current());
        assertEquals(Optional.empty(), state());
        assertFalse(Files.exists(forwarding.stateFile()));
        assertEquals(List.of(), forwarding.release("b.iptables"));
        assertEquals(List.of(), journals.journals());
    }

    @Test
    void anOriginalValueOfOneIsLeftAlone() throws IOException {
        Files.writeString(value, "1\n", UTF_8);
        assertEquals(NAME + " was already 1", forwarding.hold("a.iptables"));
        Files.writeString(value, "1\n", UTF_8);
        assertEquals(List.of(), forwarding.release("a.iptables"));
        assertEquals("1", current());
        assertEquals(Optional.empty(), state());
    }

    @Test
    void aHolderThatAppliesAgainKeepsTheOriginal() throws IOException {
        forwarding.hold("a.iptables");
        forwarding.hold("a.iptables");
        assertEquals(Optional.of(state("0", "a.iptables")), state());
        forwarding.release("a.iptables");
        assertEquals("0", current());
    }

    @Test
    void recoverDropsHoldersWhoseJournalsAreNotLive() throws IOException {
        try (Journal live = journals.create(JournalKey.parse("live.iptables"))) {
            forwarding.hold("crashed.iptables");
            forwarding.hold("live.iptables");
            // "crashed" has no journal (its recovery deleted it) and "gone" an abandoned one
            forwarding.hold("gone.iptables");
            journals.create(JournalKey.parse("gone.iptables")).close();

            assertEquals(List.of(), forwarding.recover(this::live));
            assertEquals(Optional.of(state("0", "live.iptables")), state());
            assertEquals("1", current());
            assertTrue(Files.exists(journals.fileOf(JournalKey.parse("gone.iptables"))), "recover of the setting leaves journals alone");
        }
        assertEquals(List.of(NAME + ": restore " + NAME + "=0 (no tunnel needs it anymore)"),
                forwarding.recover(this::live));
        assertEquals("0", current());
        assertEquals(Optional.empty(), state());
        assertEquals(List.of(), forwarding.recover(this::live));
    }

    @Test
    void aFailedRestoreIsKeptForRecoverToRetry() throws IOException {
        forwarding.hold("a.iptables");
        Path sysctl = tempDir.resolve("bin").resolve("sysctl");
        String script = Files.readString(sysctl, UTF_8);
        Files.writeString(sysctl, "#!/bin/sh\necho 'permission denied' >&2\nexit 1\n", UTF_8);
        IOException e = assertThrows(IOException.class, () -> forwarding.release("a.iptables"));
        assertTrue(e.getMessage().contains("could not restore " + NAME + "=0"), e.getMessage());
        assertEquals(Optional.of(state("0")), state());

        Files.writeString(sysctl, script, UTF_8);
        assertEquals(1, forwarding.recover(holder -> true).size());
        assertEquals("0", current());
        assertEquals(Optional.empty(), state());
    }

    @Test
    void aDamagedStateFileIsReportedAndLeftInPlace() throws IOException {
        journals.ensureExists();
        Files.writeString(forwarding.stateFile(), "holder a.iptables\n", UTF_8);
        IOException e = assertThrows(IOException.class, () -> forwarding.hold("b.iptables"));
        assertTrue(e.getMessage().contains("no original value recorded"), e.getMessage());
        assertTrue(e.getMessage().contains("left in place"), e.getMessage());
        assertEquals("0", current());
        assertThrows(IOException.class, () -> SharedSysctl.parse("original 0\nholder a b\n"));
        assertThrows(IOException.class, () -> SharedSysctl.parse("original x\n"));
    }
}
