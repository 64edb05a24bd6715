package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netproxy.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemToolsTest {
    private final CommandRunner runner = CommandRunner.onHost();

    @Test
    void missingToolNamesThePackageToInstall(@org.junit.jupiter.api.io.TempDir Path emptyDir) {
        SystemTools tools = new SystemTools(runner, List.of(emptyDir));
        IOException e = assertThrows(IOException.class, () -> tools.require(List.of(Tool.IPTABLES_RESTORE)));
        assertEquals("iptables-restore not found: install it with 'apt-get install iptables'", e.getMessage());
        assertEquals("ip not found: install it with 'apt-get install iproute2'",
                assertThrows(IOException.class, () -> tools.locate(Tool.IP)).getMessage());
        assertEquals("sysctl not found: install it with 'apt-get install procps'",
                assertThrows(IOException.class, () -> tools.locate(Tool.SYSCTL)).getMessage());
        assertEquals("nft not found: install it with 'apt-get install nftables'",
                assertThrows(IOException.class, () -> tools.locate(Tool.NFT)).getMessage());
        assertFalse(tools.has(Tool.NFT));
    }
}
