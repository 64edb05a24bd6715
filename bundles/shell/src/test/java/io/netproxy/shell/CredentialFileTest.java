package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netproxy passwd} writes a server credential, and {@code serve --password-credential} reads it back. */
class CredentialFileTest {
    @TempDir
    Path dir;

    private final FakeTunnelService tunnels = new FakeTunnelService();
    private final Operations operations = new Operations(tunnels, new ConfiguredTunnels(), java.time.InstantSource.system());
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int passwd(char[] secret, String... args) {
        return operations.passwd(List.of(args), secret, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void passwdWritesARootOnlyFileThatServeTakesInPlaceOfThePassword() throws IOException {
        Path file = dir.resolve("server.credential");
        assertEquals(0, passwd("a long passphrase".toCharArray(), file.toString()), err.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        byte[] made = tunnels.newPasswordCredential("a long passphrase".toCharArray());
        assertTrue(out.toString().contains("server public key " + CredentialFile.publicKey(made)), out.toString());
        assertTrue(Files.readString(file).contains("# server public key (clients may pin it with --server-key): "
                + CredentialFile.publicKey(made)), "the file names the key clients may pin");

        TunnelSpec spec = TunnelArguments.parse(TunnelSpec.Role.SERVER, List.of("--password-credential", file.toString()), null);
        assertArrayEquals(made, spec.passwordCredential());
        assertNull(spec.password(), "the server holds no password");
        TunnelSpec fromEtc = ConfiguredTunnel.spec(Map.of("role", "server", "passwordCredential", file.toString()));
        assertArrayEquals(made, fromEtc.passwordCredential());
    }

    @Test
    void passwdReadsThePasswordFileItIsGivenAndReplacesAFileOnlyWhenForced() throws IOException {
        Path password = Files.writeString(dir.resolve("password"), "from a file\n");
        Path file = dir.resolve("server.credential");
        assertEquals(0, passwd(null, file.toString(), "--password-file", password.toString()), err.toString());
        assertArrayEquals(tunnels.newPasswordCredential("from a file".toCharArray()), CredentialFile.read(file));

        assertEquals(1, passwd("another".toCharArray(), file.toString()));
        assertTrue(err.toString().contains("exists; give --force to replace it"), err.toString());
        assertArrayEquals(tunnels.newPasswordCredential("from a file".toCharArray()), CredentialFile.read(file), "kept");
        assertEquals(0, passwd("another".toCharArray(), "--force", file.toString()), err.toString());
        assertArrayEquals(tunnels.newPasswordCredential("another".toCharArray()), CredentialFile.read(file));
        try (var left = Files.list(dir)) {
            assertEquals(List.of("password", "server.credential"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void aFileThatHoldsNoCredentialIsRefusedNamingItAndTheLine() throws IOException {
        Path file = dir.resolve("bad.credential");
        Files.writeString(file, "# a comment\npassword = hunter2\n");
        IOException wrongKey = assertThrows(IOException.class, () -> CredentialFile.read(file));
        assertTrue(wrongKey.getMessage().startsWith(file + " line 2: expected one line 'credential = ...'"), wrongKey.getMessage());

        Files.writeString(file, "credential = AgAB\n");
        IOException tooShort = assertThrows(IOException.class, () -> CredentialFile.read(file));
        assertTrue(tooShort.getMessage().startsWith(file + " line 1: not a password credential of protocol version 2"),
                tooShort.getMessage());

        Files.writeString(file, "# nothing else\n");
        IOException empty = assertThrows(IOException.class, () -> CredentialFile.read(file));
        assertTrue(empty.getMessage().contains("holds no 'credential = ...' line"), empty.getMessage());

        IOException inSettings = assertThrows(IOException.class, () -> TunnelArguments.parse(
                TunnelSpec.Role.SERVER, List.of("--password-credential", file.toString()), null));
        assertTrue(inSettings.getMessage().contains("holds no 'credential"), inSettings.getMessage());
    }

    @Test
    void withoutAFileOrAPasswordPasswdSaysHowItIsUsed() {
        assertEquals(2, passwd(null, dir.resolve("x").toString()));
        assertEquals(2, passwd("pw".toCharArray()));
        assertTrue(err.toString().contains("passwd FILE [--force] [--password-file F]"), err.toString());
    }
}
