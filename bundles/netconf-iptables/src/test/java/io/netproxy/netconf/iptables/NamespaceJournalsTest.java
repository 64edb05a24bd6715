package io.netproxy.netconf.iptables;

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

    @TempDir
    Path netconf;

    @Test
    void journalsLiveInADirectoryOfTheirNamespaceThatSaysWhichOneItIs() throws IOException {
        JournalDirectory own = new NamespaceJournals(netconf, HERE).own();
        own.create("t1").close();
        assertEquals(netconf.resolve("netns-" + HERE.inode()), own.directory());
        assertEquals(HERE.describe(), Files.readString(own.directory().resolve("namespace")).strip());
        assertFalse(new NamespaceJournals(netconf, HERE).othersLeftRecords(), "its own records are not another's");
    }

    @Test
    void recordsOfALiveNamespaceAreLeftAndOfAGoneOneDropped() throws IOException {
        NetworkNamespace live = NetworkNamespace.current();
        new NamespaceJournals(netconf, live).own().create("theirs").close();
        new NamespaceJournals(netconf, new NetworkNamespace(GONE, "old", false)).own().create("stale").close();

        NamespaceJournals here = new NamespaceJournals(netconf, HERE);
        assertTrue(here.othersLeftRecords());
        List<String> lines = here.settleOthers();

        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("left the records in " + netconf.resolve("netns-" + live.inode()))
                && l.contains(live.describe()) && l.contains("netproxy cleanup")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("dropped the records in " + netconf.resolve("netns-" + GONE))
                && l.contains("network namespace old") && l.contains("no longer exists")), lines.toString());
        assertTrue(Files.exists(netconf.resolve("netns-" + live.inode()).resolve("theirs.journal")), "left alone");
        assertFalse(Files.exists(netconf.resolve("netns-" + GONE)), "dropped");
        assertEquals(List.of("left the records in " + netconf.resolve("netns-" + live.inode()) + " alone: they belong to "
                + live.describe() + ", which still exists; run 'netproxy cleanup' there to revert them"), here.settleOthers());
    }
}
