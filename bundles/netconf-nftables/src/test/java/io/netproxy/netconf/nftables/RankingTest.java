package io.netproxy.netconf.nftables;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.host.CommandRunner;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nftables is offered only where nft is installed (and then ranks above iptables' 10). */
class RankingTest {
    @TempDir
    Path temp;

    private boolean offeredWith(Path bin) throws IOException {
        SystemTools tools = new SystemTools(CommandRunner.onHost(), List.of(bin));
        return new NftablesNetworkConfigurator(tools, new NamespaceJournals(temp.resolve("netconf"), NetworkNamespace.current()))
                .offered();
    }

    @Test
    void offeredWithNftOnly() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        assertFalse(offeredWith(bin));
        Path nft = Files.writeString(bin.resolve("nft"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwx------"));
        assertTrue(offeredWith(bin));
        assertTrue(NftablesNetworkConfigurator.RANKING > 10, "above iptables");
    }
}
