package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceJournalsTest {
    /** Not a namespace of this machine: the configurator under test pretends to run in it. */
    private static final NetworkNamespace HERE = new NetworkNamespace(Long.MAX_VALUE - 7, "here", false);
    private static final long GONE = Long.MAX_VALUE - 8;
    private static final String BOOT = "0123456789ab";
    private static final String EARLIER_BOOT = "ba9876543210";

    @TempDir
    Path netconf;

    @Test
    void journalsLiveInADirectoryOfTheirNamespaceAndBootThatSaysWhichNamespaceItIs() throws IOException {
        JournalDirectory own = new NamespaceJournals(netconf, HERE, BOOT).own();
        own.create(new JournalKey("t1", "iptables")).close();
        assertEquals(netconf.resolve("netns-" + HERE.inode() + "-" + BOOT), own.directory());
        assertEquals(HERE.describe(), Files.readString(own.directory().resolve("namespace")).strip());
        assertFalse(new NamespaceJournals(netconf, HERE, BOOT).othersLeftRecords(), "its own records are not another's");
    }

    @Test
    void recordsOfALiveNamespaceAreLeftAndOfAGoneOneOrAnEarlierBootDropped() throws IOException {
        NetworkNamespace live = NetworkNamespace.current();
        new NamespaceJournals(netconf, live, BOOT).own().create(new JournalKey("theirs", "iptables")).close();
        new NamespaceJournals(netconf, new NetworkNamespace(GONE, "old", false), BOOT).own().create(new JournalKey("stale", "iptables")).close();
        new NamespaceJournals(netconf, live, EARLIER_BOOT).own().create(new JournalKey("before-reboot", "iptables")).close();

        NamespaceJournals here = new NamespaceJournals(netconf, HERE, BOOT);
        assertTrue(here.othersLeftRecords());
        List<String> lines = here.settleOthers(List.of());

        Path theirs = netconf.resolve("netns-" + live.inode() + "-" + BOOT);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("left the records in " + theirs)
                && l.contains(live.describe()) && l.contains("netproxy cleanup")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("dropped the records in " + netconf.resolve("netns-" + GONE + "-" + BOOT))
                && l.contains("network namespace old") && l.contains("no longer exists")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("dropped the records in "
                + netconf.resolve("netns-" + live.inode() + "-" + EARLIER_BOOT)) && l.contains("earlier boot")), lines.toString());
        assertTrue(Files.exists(theirs.resolve("theirs.iptables.journal")), "left alone");
        assertFalse(Files.exists(netconf.resolve("netns-" + GONE + "-" + BOOT)), "dropped");
        assertEquals(List.of("left the records in " + theirs + " alone: they belong to " + live.describe()
                + ", which still exists; run 'netproxy cleanup' there to revert them"), here.settleOthers(List.of()));
    }

    @Test
    void theHostsResolverStateOfAnEarlierBootIsCarriedOverToBeReverted() throws IOException {
        NetworkNamespace host = new NetworkNamespace(Long.MAX_VALUE - 9, null, true);
        JournalDirectory before = new NamespaceJournals(netconf, host, EARLIER_BOOT).own();
        before.create(new JournalKey("t", "nftables")).close();
        Files.writeString(before.directory().resolve("dns.shared"), "method file\n");

        NamespaceJournals afterReboot = new NamespaceJournals(netconf, host, BOOT);
        List<String> lines = afterReboot.settleOthers(List.of("dns.shared", "absent.shared"));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("carried dns.shared over from an earlier boot"), lines.toString());
        assertEquals("method file\n", Files.readString(afterReboot.own().directory().resolve("dns.shared")));
        assertFalse(Files.exists(before.directory()), "the rest of the earlier boot's records is dropped");
    }

    @Test
    void theBootIsTheKernels() throws IOException {
        String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip().replace("-", "").substring(0, 12);
        assertEquals(netconf.resolve("netns-" + HERE.inode() + "-" + boot),
                new NamespaceJournals(netconf, HERE).own().directory());
    }
}
