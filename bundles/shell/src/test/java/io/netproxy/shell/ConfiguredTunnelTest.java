package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguredTunnelTest {
    @TempDir
    Path dir;

    private final FakeTunnelService tunnels = new FakeTunnelService();
    private final ConfiguredTunnel component = new ConfiguredTunnel();
    private final ConfiguredTunnels outcomes = new ConfiguredTunnels();

    ConfiguredTunnelTest() {
        component.tunnels = tunnels;
        component.outcomes = outcomes;
        component.retryMs = 50;
    }

    @AfterEach
    void deactivate() {
        component.deactivate();
    }

    private Map<String, Object> config(Path passwordFile) {
        Map<String, Object> config = new HashMap<>();
        config.put("felix.fileinstall.filename", "file:/opt/netproxy/etc/io.netproxy.tunnel-client.cfg");
        config.put("role", "client");
        config.put("host", "192.0.2.1");
        config.put("passwordFile", passwordFile.toString());
        return config;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    @Test
    void startsOnceAnUnreadablePasswordFileAppears() throws Exception {
        Path pw = dir.resolve("not-mounted-yet/pw");
        component.activate(config(pw));
        Thread.sleep(200);
        assertTrue(tunnels.started.isEmpty());
        ConfiguredTunnels.Entry waiting = outcomes.entries().get(0);
        assertEquals(ConfiguredTunnels.State.REFUSED, waiting.state(), "netproxy run stops at such a file");
        assertTrue(waiting.problem().startsWith("/opt/netproxy/etc/io.netproxy.tunnel-client.cfg: passwordFile: cannot read"
                + " password file " + pw), waiting.problem());
        Files.createDirectories(pw.getParent());
        Files.writeString(pw, "secret\n");
        await(() -> tunnels.started.contains("client"));
        await(() -> outcomes.entries().get(0).state() == ConfiguredTunnels.State.RUNNING);
        assertArrayEquals("secret".toCharArray(), tunnels.passwords.get(0));
        component.deactivate();
        assertEquals(List.of("client"), tunnels.stopped);
    }

    @Test
    void keepsRetryingAfterRuntimeExceptions() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        tunnels.failWith = new IllegalStateException("a bug in a plugin");
        tunnels.startFailures.set(3);
        component.activate(config(pw));
        await(() -> tunnels.started.contains("client"));
    }

    @Test
    void leavesATunnelOfTheSameNameAloneAndStartsWhenTheNameIsFree() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        tunnels.running.put("client", FakeTunnelService.status("client", "connected")); // the command line's
        component.activate(config(pw));
        Thread.sleep(200);
        assertTrue(tunnels.started.isEmpty());
        component.deactivate();
        assertTrue(tunnels.stopped.isEmpty(), "stopped a tunnel it did not start: " + tunnels.stopped);

        ConfiguredTunnel again = new ConfiguredTunnel();
        again.tunnels = tunnels;
        again.outcomes = outcomes;
        again.retryMs = 50;
        again.activate(config(pw));
        Thread.sleep(200);
        tunnels.running.remove("client"); // the command line disconnected
        await(() -> tunnels.started.contains("client"));
        again.deactivate();
        assertEquals(List.of("client"), tunnels.stopped);
    }

    @Test
    void configurationErrorsStopRetrying() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        Map<String, Object> config = config(pw);
        config.put("mtu", "big");
        component.activate(config);
        Thread.sleep(300);
        assertTrue(tunnels.started.isEmpty());
        Thread starter = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("netproxy-config-client")).findFirst().orElse(null);
        assertTrue(starter == null || !starter.isAlive(), "still retrying a bad configuration");

        ConfiguredTunnel badRole = new ConfiguredTunnel();
        badRole.tunnels = tunnels;
        badRole.outcomes = outcomes;
        config.put("role", "router");
        badRole.activate(config);
        badRole.deactivate();
        assertTrue(tunnels.started.isEmpty() && tunnels.stopped.isEmpty());
    }

    @Test
    void anEditIsAppliedInPlaceWhenTheEngineCanElseTheTunnelRestarts() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        component.activate(config(pw));
        await(() -> tunnels.started.contains("client"));

        tunnels.inPlace = true;
        component.modified(config(pw));
        assertEquals(List.of("client"), tunnels.updated);
        assertEquals(List.of("client"), tunnels.started, "not restarted");

        tunnels.inPlace = false;
        component.modified(config(pw));
        await(() -> tunnels.started.size() == 2);
        assertEquals(List.of("client"), tunnels.stopped, "restarted");

        Map<String, Object> bad = config(pw);
        bad.put("port", "0");
        component.modified(bad);
        assertEquals(2, tunnels.started.size());
        assertEquals(List.of("client"), tunnels.stopped, "a bad edit leaves the tunnel running");
    }

    @Test
    void aBadFileIsReportedWithItsFileAndTheLineOfTheBadKey() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        Path file = Files.writeString(dir.resolve("io.netproxy.tunnel-office.cfg"),
                "# office link\nrole = client\nhost = 192.0.2.1\nport = 99999\npasswordFile = " + pw + "\n");
        Map<String, Object> config = config(pw);
        config.put("felix.fileinstall.filename", file.toUri().toString());
        config.put("port", "99999");
        component.activate(config);
        await(() -> !outcomes.entries().isEmpty());
        ConfiguredTunnels.Entry entry = outcomes.entries().get(0);
        assertEquals(new ConfiguredTunnels.Entry(file.toString(), "office", ConfiguredTunnels.State.REFUSED,
                file + ":4: port: '99999' is not allowed; expected a whole number from 1 to 65535 (port)"), entry);

        config.put("port", "6767");
        config.put("pasword", "x");
        ConfiguredTunnel misspelt = new ConfiguredTunnel();
        misspelt.tunnels = tunnels;
        misspelt.outcomes = outcomes;
        Files.writeString(file, "role = client\nhost = 192.0.2.1\npasword = x\n");
        misspelt.activate(config);
        assertTrue(outcomes.entries().get(0).problem().startsWith(file + ":3: pasword: unknown setting"),
                outcomes.entries().toString());
        misspelt.deactivate();
        assertTrue(outcomes.entries().isEmpty(), "a removed file is forgotten");
    }

    @Test
    void aGoodFileIsReportedStartingThenRunning() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        component.activate(config(pw));
        await(() -> !outcomes.entries().isEmpty()
                && outcomes.entries().get(0).state() == ConfiguredTunnels.State.RUNNING);
        assertEquals("client", outcomes.entries().get(0).name());
        component.deactivate();
        assertTrue(outcomes.entries().isEmpty());
    }
}
