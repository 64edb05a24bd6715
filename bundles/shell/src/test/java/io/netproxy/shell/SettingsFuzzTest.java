package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.felix.fileinstall.shaded.util.properties.TypedProperties;
import org.junit.jupiter.api.AfterAll;

/**
 * What operators write (docs/fuzzing.md): a tunnel file of etc/, parsed by FileInstall's own parser as at run time,
 * then checked by {@link ConfiguredTunnel#spec}; the options of serve and connect; and the password and key files
 * they name. The contract: a bad setting fails with an IllegalArgumentException or IOException whose message names
 * where it is (the file, for a tunnel file) and never holds a secret; what passes is a spec whose every value is one
 * the rest of netproxy accepts (ASCII dotted addresses, prefix lengths, ports, MTU, names).
 */
class SettingsFuzzTest {
    /** Password and key files a fuzzed setting can name as ${dir}/password and so on. */
    private static final Path DIR = directory();
    private static final String PASSWORD = "fuzz-password-6f1c";
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q');
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Pattern DOTTED = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

    @DictionaryEntries({"role", "server", "client", "name", "host", "bind", "port", "passwordFile", "passwordCredential", "keyFile", "peers",
        "serverKey", "pool", "pool6", "egress", "routes", "pushRoutes", "dns", "dnsSearch", "ciphers", "mtu", "timeout", "tun", "transport",
        "tunBackend", "netconf", "noDns", " = ", "${dir}/password", "${dir}/key", "${dir}/empty", "${dir}/not-a-key",
        "--password-file", "--password-credential", "--key", "--peer", "--server-key", "--pool", "--route", "--push-route", "--dns", "--dns-search", "corp.example", "--mtu",
        "--port", "--no-dns", "10.8.0.0/24", "0.0.0.0/0", "192.0.2.53", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})
    @FuzzTest
    void settings(FuzzedDataProvider data) throws IOException {
        switch (data.consumeInt(0, 2)) {
            case 0 -> tunnelFile(data.consumeRemainingAsString());
            case 1 -> arguments(data.consumeBoolean() ? TunnelSpec.Role.SERVER : TunnelSpec.Role.CLIENT,
                    data.consumeRemainingAsString());
            default -> credentials(data.consumeBoolean(), data.consumeRemainingAsBytes());
        }
    }

    private static void tunnelFile(String text) throws IOException {
        TypedProperties properties = new TypedProperties((name, key, variable) -> "dir".equals(variable) ? DIR.toString() : null);
        Map<String, Object> config = new HashMap<>();
        try {
            properties.load(new StringReader(text));
            for (String key : properties.keySet()) config.put(key, properties.get(key));
        } catch (IOException | RuntimeException e) {
            return; // FileInstall refuses the file itself: no configuration reaches netproxy
        }
        Path file = DIR.resolve("io.netproxy.tunnel-fuzz.cfg");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        config.put("felix.fileinstall.filename", file.toUri().toString());
        TunnelSpec spec;
        try {
            spec = ConfiguredTunnel.spec(config);
        } catch (IllegalArgumentException | IOException e) {
            assertTrue(e.getMessage().startsWith(file + ":"), () -> "the message names the file: " + e.getMessage());
            assertNoSecret(e.getMessage(), text);
            return;
        }
        assertValid(spec);
    }

    private static void arguments(TunnelSpec.Role role, String text) throws IOException {
        List<String> args = Arrays.stream(text.split("\n", -1)).map(arg -> arg.replace("${dir}", DIR.toString())).toList();
        TunnelSpec spec;
        try {
            spec = TunnelArguments.parse(role, args, null);
        } catch (IllegalArgumentException | IOException e) {
            assertNotNull(e.getMessage());
            assertNoSecret(e.getMessage(), text);
            return;
        }
        assertEquals(role, spec.role());
        assertValid(spec);
    }

    private static void credentials(boolean keyFile, byte[] content) throws IOException {
        Path file = DIR.resolve("fuzzed-secret");
        Files.write(file, content);
        String text = new String(content, StandardCharsets.ISO_8859_1);
        try {
            if (keyFile) {
                byte[] key = TunnelSettings.readKeyFile(file);
                assertEquals(32, key.length);
                assertTrue(Arrays.equals(key, Base64.getDecoder().decode(new String(content, StandardCharsets.US_ASCII).trim())));
            } else {
                char[] password = TunnelSettings.readPasswordFile(file);
                assertTrue(password.length > 0);
                String line = new String(password);
                assertFalse(line.contains("\n") || line.contains("\r"), "only the first line");
                assertTrue(new String(content, StandardCharsets.UTF_8).startsWith(line), "the first line, as written");
            }
        } catch (IOException e) {
            String message = e.getMessage();
            assertTrue(message.contains(file.toString()), () -> "the message names the file: " + message);
            String secret = text.strip();
            assertTrue(secret.length() < 4 || !message.replace(file.toString(), "").contains(secret),
                    () -> "the message holds the file's content: " + message);
        }
    }

    /** The secrets of the files under DIR appear in no message, unless the fuzzer wrote them itself. */
    private static void assertNoSecret(String message, String input) {
        for (String secret : List.of(PASSWORD, KEY)) {
            assertTrue(input.contains(secret) || !message.contains(secret), () -> "a secret in the message: " + message);
        }
    }

    private static void assertValid(TunnelSpec spec) {
        try {
            assertTrue(NAME.matcher(spec.name()).matches(), spec.name());
            assertTrue(spec.port() >= 1 && spec.port() <= 65535);
            assertTrue(spec.mtu() == 0 || spec.mtu() >= TunnelSettings.MIN_MTU && spec.mtu() <= TunnelSettings.MAX_MTU);
            assertTrue(spec.handshakeTimeoutSeconds() >= 0 && spec.handshakeTimeoutSeconds() <= TunnelSettings.MAX_TIMEOUT_SECONDS);
            assertTrue(spec.password() == null ^ spec.privateKey() == null, "one secret");
            if (spec.pool() != null) assertCidr(spec.pool(), 1, 30);
            if (spec.pool6() != null) assertCidr6(spec.pool6(), 64, 120);
            spec.routes().forEach(route -> {
                if (route.contains(":")) assertCidr6(route, 0, 128);
                else assertCidr(route, 0, 32);
            });
            spec.pushRoutes().forEach(route -> assertCidr(route, 0, 32));
            spec.dns().forEach(server -> {
                if (server.contains(":")) assertCidr6(server + "/128", 128, 128);
                else assertAddress(server);
            });
            if (spec.role() == TunnelSpec.Role.SERVER && spec.host() != null) assertAddress(spec.host());
            spec.peerPublicKeys().forEach(key -> assertEquals(32, key.length));
        } finally {
            spec.wipe();
        }
    }

    private static void assertCidr(String text, int minPrefix, int maxPrefix) {
        int slash = text.indexOf('/');
        assertTrue(slash > 0, text);
        assertAddress(text.substring(0, slash));
        String prefix = text.substring(slash + 1);
        assertTrue(prefix.matches("[0-9]{1,9}"), () -> "accepted '" + text + "' as a network");
        int length = Integer.parseInt(prefix);
        assertTrue(length >= minPrefix && length <= maxPrefix, text);
    }

    /** ASCII hex digits and colons that the JDK reads as an IPv6 address, and a prefix length in range. */
    private static void assertCidr6(String text, int minPrefix, int maxPrefix) {
        int slash = text.indexOf('/');
        assertTrue(slash > 0 && text.substring(0, slash).matches("[0-9A-Fa-f:]+"), () -> "accepted '" + text + "' as an IPv6 network");
        try {
            assertTrue(java.net.InetAddress.getByName(text.substring(0, slash)) instanceof java.net.Inet6Address, text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("accepted '" + text + "', which is no IPv6 address", e);
        }
        String prefix = text.substring(slash + 1);
        assertTrue(prefix.matches("[0-9]{1,9}"), () -> "accepted '" + text + "' as a network");
        int length = Integer.parseInt(prefix);
        assertTrue(length >= minPrefix && length <= maxPrefix, text);
    }

    private static void assertAddress(String text) {
        Matcher octets = DOTTED.matcher(text);
        assertTrue(octets.matches(), () -> "accepted '" + text + "' as an address");
        for (int i = 1; i <= 4; i++) assertTrue(Integer.parseInt(octets.group(i)) <= 255, text);
    }

    /** The directory holds a password and a key file, which must not outlive the run. */
    @AfterAll
    static void removeTheDirectory() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) Files.deleteIfExists(file);
        }
        Files.deleteIfExists(DIR);
    }

    private static Path directory() {
        try {
            Path dir = Files.createTempDirectory("netproxy-settings-fuzz");
            Files.writeString(dir.resolve("password"), PASSWORD + "\n");
            Files.writeString(dir.resolve("key"), KEY + "\n");
            Files.writeString(dir.resolve("empty"), "");
            Files.writeString(dir.resolve("not-a-key"), "not base64\n");
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
