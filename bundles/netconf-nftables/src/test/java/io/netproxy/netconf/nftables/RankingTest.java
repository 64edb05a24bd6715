package io.netproxy.netconf.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** nftables is the default only where nft is installed; iptables ranks 10. */
class RankingTest {
    @TempDir
    Path temp;

    private int rankingWith(Path bin) throws IOException {
        SystemTools tools = new SystemTools(CommandRunner.onHost(), List.of(bin));
        return new NftablesNetworkConfigurator(tools, new NamespaceJournals(temp.resolve("netconf"), NetworkNamespace.current()))
                .ranking();
    }

    @Test
    void aboveIptablesWithNftBelowWithout() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        assertEquals(5, rankingWith(bin));
        Path nft = Files.writeString(bin.resolve("nft"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwx------"));
        assertEquals(20, rankingWith(bin));
    }
}
