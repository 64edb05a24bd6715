package io.netproxy.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherTest {
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
}
