package io.netproxy.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

    @Test
    void theMetricsOptionBecomesTheFrameworkPropertyAndLeavesTheTunnelArguments() {
        try {
            List<String> args = new ArrayList<>(List.of("serve", "--port", "6767", "--metrics", "9586", "-d"));
            assertNull(Main.takeMetricsOption(args));
            assertEquals(List.of("serve", "--port", "6767", "-d"), args);
            assertEquals("9586", System.getProperty("netproxy.metrics"));

            assertEquals("--metrics needs HOST:PORT (or a PORT, on 127.0.0.1)",
                    Main.takeMetricsOption(new ArrayList<>(List.of("run", "--metrics"))));
            assertEquals("--metrics needs HOST:PORT (or a PORT, on 127.0.0.1)",
                    Main.takeMetricsOption(new ArrayList<>(List.of("serve", "--metrics", "-d"))));
            assertEquals("--metrics is given twice",
                    Main.takeMetricsOption(new ArrayList<>(List.of("run", "--metrics", "1", "--metrics", "2"))));

            List<String> without = new ArrayList<>(List.of("connect", "vpn.example.org"));
            assertNull(Main.takeMetricsOption(without));
            assertEquals(List.of("connect", "vpn.example.org"), without);
        } finally {
            System.clearProperty("netproxy.metrics");
        }
    }
}
