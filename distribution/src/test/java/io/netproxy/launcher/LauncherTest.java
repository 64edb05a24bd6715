package io.netproxy.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void secretFileOptionsBecomeAbsolute() {
        String cwd = Path.of("").toAbsolutePath().toString();
        List<String> args = new ArrayList<>(List.of("connect", "vpn.example.org", "--password-file", "pw",
                "--route", "10.0.0.0/8", "--key", "/etc/k", "--tun", "np0"));
        Main.absoluteFileOptions(args);
        assertEquals(List.of("connect", "vpn.example.org", "--password-file", cwd + "/pw", "--route", "10.0.0.0/8",
                "--key", "/etc/k", "--tun", "np0"), args);
        List<String> dangling = new ArrayList<>(List.of("serve", "--key"));
        Main.absoluteFileOptions(dangling);
        assertEquals(List.of("serve", "--key"), dangling, "a missing value is left for the parser to report");
    }

    @Test
    void runDirectoryIsCreatedPrivateOrCheckedButNeverChanged() throws IOException {
        Path fresh = dir.resolve("x/run");
        RunDirectory.prepare(fresh);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

        Path shared = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> RunDirectory.prepare(shared));
        assertTrue(e.getMessage().contains(shared + " is writable by other users"), e.getMessage());
        assertTrue(e.getMessage().contains("/run/netproxy"), e.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    }
}
