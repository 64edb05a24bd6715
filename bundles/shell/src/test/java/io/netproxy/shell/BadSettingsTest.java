package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A table of bad values, each given once as a command-line option and once in an etc/ file: both are refused
 * with a message that names the option or key, the value and what is allowed, by the same checks.
 */
class BadSettingsTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            SERVER | port       | 0              | from 1 to 65535
            SERVER | port       | 70000          | from 1 to 65535
            SERVER | port       | six            | from 1 to 65535
            SERVER | pool       | 10.8.0.0/31    | prefix length 1 to 30
            SERVER | pool       | 10.8.0.0       | such as 10.8.0.0/24
            SERVER | pool       | 300.8.0.0/24   | such as 10.8.0.0/24
            SERVER | pushRoutes | 10.0.0.0/33    | prefix length 0 to 32
            SERVER | pool6      | 2001:db8:7e::/48 | prefix length 64 to 120
            SERVER | pool6      | 2001:db8:7e::1/64 | written without host bits
            SERVER | pool6      | 10.8.0.0/64    | an IPv6 network
            SERVER | pool6      | 2001:db8::g/64 | an IPv6 network
            CLIENT | pool6      | 2001:db8:7e::/64 | applies to a server only
            CLIENT | routes     | 2001:db8::/129 | prefix length 0 to 128
            CLIENT | routes     | 2001:db8::1/32 | an IPv6 network such as 2001:db8::/32
            CLIENT | routes     | ::ffff:10.0.0.0/104 | an IPv6 network
            SERVER | dns        | 1.1.1          | IPv4 or IPv6 address
            SERVER | dns        | 2001:db8::g    | IPv4 or IPv6 address
            SERVER | dns        | ::             | IPv4 or IPv6 address
            SERVER | dns        | 2001:db8::/64  | IPv4 or IPv6 address
            SERVER | dnsSearch  | corp..example  | not a search domain; expected a domain such as corp.example
            SERVER | dnsSearch  | -corp.example  | not a search domain
            SERVER | dnsSearch  | corp_example   | not a search domain
            CLIENT | dnsSearch  | corp.example   | applies to a server only
            SERVER | egress     | eth0 eth1      | an interface name
            SERVER | peers      | not-base64!    | not base64
            SERVER | peers      | AAAA           | expected a 32-byte public key
            SERVER | mtu        | 100            | from 576 to 9000
            SERVER | name       | my tunnel      | 1 to 32 of
            SERVER | routes     | 10.0.0.0/8     | applies to a client only
            SERVER | ciphers    | AES GCM        | a cipher suite name
            SERVER | transport  | ../udp         | a transport name
            CLIENT | timeout    | 0              | from 1 to 3600
            CLIENT | serverKey  | AAAA           | expected a 32-byte public key
            CLIENT | routes     | everything     | such as 10.0.0.0/8
            CLIENT | pool       | 10.8.0.0/24    | applies to a server only
            CLIENT | tun        | a-very-long-device-name | up to 15 characters
            """)
    void isRefusedNamingWhereTheValueAndWhatIsAllowed(TunnelSpec.Role role, String key, String value, String allowed)
            throws IOException {
        Path password = password();
        List<String> args = new ArrayList<>(role == TunnelSpec.Role.CLIENT ? List.of("198.51.100.10") : List.of());
        args.addAll(List.of("--password-file", password.toString(), TunnelSettings.OPTION_OF.get(key), value));
        IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(role, args, null));
        assertTrue(option.getMessage().startsWith(TunnelSettings.OPTION_OF.get(key) + ": '" + value + "'")
                && option.getMessage().contains(allowed), option.getMessage());

        Map<String, Object> file = new HashMap<>();
        file.put("role", role.name().toLowerCase());
        if (role == TunnelSpec.Role.CLIENT) file.put("host", "198.51.100.10");
        file.put("passwordFile", password.toString());
        file.put(key, value);
        IllegalArgumentException setting = assertThrows(IllegalArgumentException.class, () -> ConfiguredTunnel.spec(file));
        assertTrue(setting.getMessage().startsWith(key + ": '" + value + "'") && setting.getMessage().contains(allowed),
                setting.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a misspelt key    | role=server;passwrodFile=/x                  | passwrodFile: unknown setting; the settings are
            an unknown role   | role=router                                  | role: 'router' is not allowed; expected server or client
            no secret         | role=server                                  | no secret: give 'passwordFile', 'passwordCredential' or 'keyFile'
            no client secret  | role=client;host=h                           | no secret: give 'passwordFile' or 'keyFile'
            no server         | role=client;passwordFile=PW                  | no server: set 'host'
            key mode, no peer | role=client;host=h;keyFile=KEY               | key mode needs 'serverKey'
            two secrets       | role=server;passwordFile=PW;keyFile=KEY;peers=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= | give one of 'passwordFile', 'passwordCredential' or 'keyFile', not more
            password and peer | role=server;passwordFile=PW;peers=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= | 'peers' is for key mode: a password-mode server takes any client
            client credential | role=client;host=h;passwordCredential=/x   | passwordCredential: '/x' applies to a server only
            IPv6 DNS, no pool6 | role=server;passwordFile=PW;dns=2001:db8::53 | an IPv6 'dns' server needs 'pool6'
            IPv6 DNS alone    | role=server;passwordFile=PW;pool6=2001:db8:7e::/64;dns=2001:db8::53 | an IPv6 'dns' server needs an IPv4 one beside it
            search, no DNS    | role=server;passwordFile=PW;dnsSearch=corp.example | 'dnsSearch' needs 'dns': clients use the search domains with the DNS servers
            seven domains     | role=server;passwordFile=PW;dns=192.0.2.53;dnsSearch=a,b,c,d,e,f,g | 'dnsSearch': at most 6 search domains, not 7
            a domain twice    | role=server;passwordFile=PW;dns=192.0.2.53;dnsSearch=corp.example,Corp.Example. | 'dnsSearch': a search domain is named twice
            """)
    void aFileWithSettingsThatDoNotFitIsRefused(String what, String settings, String message) throws IOException {
        Map<String, Object> file = new HashMap<>();
        for (String setting : settings.split(";")) {
            String[] pair = setting.split("=", 2);
            file.put(pair[0], pair[1].replace("PW", password().toString()).replace("KEY", key().toString()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfiguredTunnel.spec(file));
        assertTrue(e.getMessage().startsWith(message), what + ": " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown option | --passwrod-file           | unknown argument '--passwrod-file'
            a missing value   | --pool                    | --pool needs a value
            """)
    void aCommandLineWithOptionsThatDoNotFitIsRefused(String what, String arg, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of(arg), "pw".toCharArray()));
        assertEquals(message, e.getMessage(), what);
    }

    private static Path password() throws IOException {
        Path file = dir.resolve("password");
        if (!Files.exists(file)) Files.writeString(file, "a password\n");
        return file;
    }

    private static Path key() throws IOException {
        Path file = dir.resolve("key");
        if (!Files.exists(file)) Files.writeString(file, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        return file;
    }
}
