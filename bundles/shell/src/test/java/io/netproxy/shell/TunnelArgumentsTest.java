package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void connectTakesHostPortAndRoutes() throws IOException {
        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.CLIENT,
                List.of("198.51.100.1:7000", "--route", "10.0.0.0/8", "--route", "192.0.2.0/24"), "pw".toCharArray());
        assertEquals("198.51.100.1", spec.host());
        assertEquals(7000, spec.port());
        assertEquals(List.of("10.0.0.0/8", "192.0.2.0/24"), spec.routes());
        assertArrayEquals("pw".toCharArray(), spec.password());
    }

    @Test
    void noDnsIsAFlagOfConnectAndAKeyOfClientFiles() throws IOException {
        assertFalse(TunnelArguments.parse(TunnelSpec.Role.CLIENT, List.of("198.51.100.1"), "pw".toCharArray()).noDns(),
                "the pushed DNS servers are used unless asked otherwise");
        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.CLIENT,
                List.of("198.51.100.1", "--no-dns", "--route", "10.0.0.0/8"), "pw".toCharArray());
        assertTrue(spec.noDns());
        assertEquals(List.of("10.0.0.0/8"), spec.routes(), "the flag takes no value");
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--no-dns"), "pw".toCharArray()));
        assertTrue(server.getMessage().contains("applies to a client only"), server.getMessage());

        Path password = dir.resolve("pw");
        Files.writeString(password, "pw\n");
        java.util.Map<String, Object> file = new java.util.HashMap<>(java.util.Map.of("role", "client",
                "host", "198.51.100.1", "passwordFile", password.toString(), "noDns", "true"));
        assertTrue(ConfiguredTunnel.spec(file).noDns());
        file.put("noDns", "yes");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ConfiguredTunnel.spec(file));
        assertEquals("noDns: 'yes' is not allowed; expected true or false", bad.getMessage());
    }

    @Test
    void searchDomainsAreAnOptionOfServeAndAKeyOfServerFilesBesideTheDnsServers() throws IOException {
        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--dns", "192.0.2.53", "--dns-search",
                "corp.example", "--dns-search", "lab.corp.example."), "pw".toCharArray());
        assertEquals(List.of("corp.example", "lab.corp.example"), spec.dnsSearch(), "a final dot as resolv.conf has it");

        Path password = dir.resolve("pw");
        Files.writeString(password, "pw\n");
        java.util.Map<String, Object> file = new java.util.HashMap<>(java.util.Map.of("role", "server",
                "passwordFile", password.toString(), "dns", "192.0.2.53", "dnsSearch", "corp.example, lab.corp.example"));
        assertEquals(List.of("corp.example", "lab.corp.example"), ConfiguredTunnel.spec(file).dnsSearch());
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class, () -> TunnelArguments.parse(
                TunnelSpec.Role.SERVER, List.of("--dns-search", "corp.example"), "pw".toCharArray()));
        assertEquals("--dns-search needs --dns: clients use the search domains with the DNS servers pushed beside them",
                alone.getMessage());
    }

    @Test
    void killSwitchAndAllowLanAreFlagsOfConnectAndKeysOfClientFiles() throws IOException {
        TunnelSpec plain = TunnelArguments.parse(TunnelSpec.Role.CLIENT, List.of("198.51.100.1"), "pw".toCharArray());
        assertFalse(plain.killSwitch() || plain.allowLan(), "no kill switch unless asked");
        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.CLIENT,
                List.of("198.51.100.1", "--kill-switch", "--allow-lan"), "pw".toCharArray());
        assertTrue(spec.killSwitch() && spec.allowLan());
        IllegalArgumentException lanAlone = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.CLIENT, List.of("198.51.100.1", "--allow-lan"), "pw".toCharArray()));
        assertEquals("--allow-lan only applies with --kill-switch", lanAlone.getMessage());
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--kill-switch"), "pw".toCharArray()));
        assertTrue(server.getMessage().contains("applies to a client only"), server.getMessage());

        Path password = dir.resolve("pw");
        Files.writeString(password, "pw\n");
        java.util.Map<String, Object> file = new java.util.HashMap<>(java.util.Map.of("role", "client",
                "host", "198.51.100.1", "passwordFile", password.toString(), "killSwitch", "true"));
        assertTrue(ConfiguredTunnel.spec(file).killSwitch());
        file.put("allowLan", "true");
        assertTrue(ConfiguredTunnel.spec(file).allowLan());
        file.put("killSwitch", "false");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ConfiguredTunnel.spec(file));
        assertEquals("'allowLan' only applies with 'killSwitch'", bad.getMessage());
    }

    @Test
    void explicitPortWinsOverHostPort() throws IOException {
        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.CLIENT,
                List.of("198.51.100.1:7000", "--port", "7001"), "pw".toCharArray());
        assertEquals(7001, spec.port());
    }

    @Test
    void serverDefaults() throws IOException {
        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of(), "pw".toCharArray());
        assertEquals(TunnelSpec.DEFAULT_PORT, spec.port());
        assertEquals(TunnelSettings.DEFAULT_POOL, spec.pool());
        assertEquals("server", spec.name());
        assertEquals(null, spec.pool6(), "IPv4 only unless asked");
    }

    @Test
    void aServerTakesAnIpv6PoolAndAClientIpv6Routes() throws IOException {
        TunnelSpec server = TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--pool6", "2001:db8:7e::/64"),
                "pw".toCharArray());
        assertEquals("2001:db8:7e::/64", server.pool6());
        TunnelSpec client = TunnelArguments.parse(TunnelSpec.Role.CLIENT,
                List.of("198.51.100.1", "--route", "0.0.0.0/0", "--route", "::/0", "--route", "2001:DB8:1::/48"),
                "pw".toCharArray());
        assertEquals(List.of("0.0.0.0/0", "::/0", "2001:DB8:1::/48"), client.routes());
    }

    @Test
    void passwordFileFirstLineOnly() throws IOException {
        Path file = dir.resolve("pw");
        Files.writeString(file, "s3cr\u00e9t \ud83d\udd11\nsecond line\n");
        assertArrayEquals("s3cr\u00e9t \ud83d\udd11".toCharArray(), TunnelSettings.readPasswordFile(file));
    }

    @Test
    void emptyPasswordFileIsRejected() throws IOException {
        Path file = dir.resolve("pw");
        Files.writeString(file, "\nx\n");
        IOException e = assertThrows(IOException.class, () -> TunnelSettings.readPasswordFile(file));
        assertTrue(e.getMessage().contains("empty first line"), e.getMessage());
    }

    @Test
    void keyModeNeedsPeers() throws IOException {
        Path key = dir.resolve("k");
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.CLIENT, List.of("h", "--key", key.toString()), null));
        assertTrue(e.getMessage().contains("--server-key"), e.getMessage());
    }

    @Test
    void badValuesNameTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--port", "x"), "pw".toCharArray()));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--peer", "abc"), "pw".toCharArray()));
        assertTrue(e.getMessage().contains("--peer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.CLIENT, List.of(), "pw".toCharArray()));
        assertTrue(e.getMessage().contains("HOST"), e.getMessage());
    }

    @Test
    void missingSecretIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of(), null));
        assertTrue(e.getMessage().contains("--password-file"), e.getMessage());
    }
}
