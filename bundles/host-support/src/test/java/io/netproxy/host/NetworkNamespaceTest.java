package io.netproxy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkNamespaceTest {
    @TempDir
    Path dir;

    @Test
    void directoryKeyIsTheNameWhenItIsASafeFileNameElseTheInode() {
        assertEquals("vpn-a", new NetworkNamespace(4026532301L, "vpn-a", false).directoryKey());
        assertEquals("inode-4026532301", new NetworkNamespace(4026532301L, null, false).directoryKey());
        assertEquals("inode-4026532301", new NetworkNamespace(4026532301L, "../etc", false).directoryKey());
        assertEquals("inode-4026532301", new NetworkNamespace(4026532301L, "..", false).directoryKey());
        assertEquals("inode-4026532301", new NetworkNamespace(4026532301L, "a b", false).directoryKey());
    }

    @Test
    void describesItselfAndHowToEnterIt() {
        NetworkNamespace named = new NetworkNamespace(4026532301L, "A", false);
        assertEquals("network namespace A (net:[4026532301])", named.describe());
        assertTrue(named.howToEnter().contains("ip netns exec A"));
        assertTrue(new NetworkNamespace(4026531840L, null, true).describe().startsWith("the initial network namespace"));
        assertTrue(new NetworkNamespace(4026532302L, null, false).howToEnter().contains("nsenter"));
    }

    @Test
    void theCurrentNamespaceIsFoundAndExists() throws IOException {
        NetworkNamespace current = NetworkNamespace.current();
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        assertEquals("net:[" + current.inode() + "]", link);
        assertTrue(NetworkNamespace.exists(current.inode()));
        assertEquals(current, NetworkNamespace.ofProcess(ProcessHandle.current().pid()));
    }

    @Test
    void aNamespaceNobodyHoldsDoesNotExist() throws IOException {
        // nsfs inode numbers are handed out from 0xF0000000 upwards, far below this
        assertFalse(NetworkNamespace.exists(Long.MAX_VALUE - 1));
    }

    @Test
    void aPlainFileIsNoNamespace() throws IOException {
        Path plain = Files.createFile(dir.resolve("stale"));
        assertThrows(IOException.class, () -> NetworkNamespace.inodeOf(plain));
    }

    @Test
    void theNameIsTheOneIpNetnsGives() throws Exception {
        assumeTrue(Root.isRoot() && (Files.isExecutable(Path.of("/usr/bin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))),
                "needs root and ip to make a namespace");
        String name = "np-nstest-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", name);
        try {
            NetworkNamespace named = NetworkNamespace.named(name);
            assertEquals(name, named.name());
            assertFalse(named.initial());
            assertEquals(java.util.Optional.of(name), NetworkNamespace.nameOf(named.inode()));
            assertTrue(NetworkNamespace.exists(named.inode()), "pinned by its /run/netns mount");
        } finally {
            run("ip", "netns", "del", name);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, process.waitFor(), String.join(" ", command));
    }
}
