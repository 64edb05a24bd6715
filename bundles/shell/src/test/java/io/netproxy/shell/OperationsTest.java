package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OperationsTest {
    private final FakeTunnelService tunnels = new FakeTunnelService();
    private final Operations operations = new Operations(tunnels, new ConfiguredTunnels(), java.time.InstantSource.system());
    private final java.io.StringWriter out = new java.io.StringWriter();
    private final java.io.StringWriter err = new java.io.StringWriter();

    @Test
    void swapNamesTheOnlyTunnelOrTheOneGiven() {
        tunnels.running.put("client", FakeTunnelService.status("client", "connected"));
        assertEquals(0, swap("transport", "tcp"), err.toString());
        assertEquals(0, swap("client", "cipher", "aes-256-gcm"), err.toString());
        assertEquals(List.of("client transport tcp", "client cipher aes-256-gcm"), tunnels.swaps);
        assertTrue(out.toString().contains("tunnel 'client': transport is now tcp"), out.toString());
    }

    @Test
    void aBadSwapSaysWhatIsWrong() {
        tunnels.running.put("client", FakeTunnelService.status("client", "connected"));
        assertEquals(2, swap("engine", "v8"));
        assertTrue(err.toString().contains("no kind of part named 'engine'; one of transport, cipher, tun, netconf"),
                err.toString());
        assertEquals(2, swap("other", "transport", "tcp"));
        assertTrue(err.toString().contains("no tunnel named 'other'"), err.toString());
        assertEquals(1, swap("transport", "broken"));
        assertTrue(err.toString().contains("runs on as before: the broken one failed"), err.toString());
        assertEquals(2, swap("transport"));
        assertTrue(tunnels.swaps.isEmpty());
    }

    private int swap(String... args) {
        return operations.swap(List.of(args), new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
    }

    @Test
    void anInstanceThatLetItsLastTunnelGoRefusesNewStartsSoThatTheLauncherStartsAnother() throws Exception {
        tunnels.running.put("client", FakeTunnelService.status("client", "connected"));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> idle = executor.submit(operations::waitIdle);
            awaitSeen();
            tunnels.running.clear(); // disconnect
            assertEquals(0, idle.get(5, TimeUnit.SECONDS));
            assertEquals(Operations.EXITING, connect());
            assertTrue(err.toString().contains("this instance is exiting"), err.toString());
            assertTrue(tunnels.started.isEmpty());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void anInstanceDoesNotExitUnderAStartThatBeganAfterItsLastTunnelStopped() throws Exception {
        tunnels.running.put("old", FakeTunnelService.status("old", "connected"));
        tunnels.holdStart = new java.util.concurrent.CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> idle = executor.submit(operations::waitIdle);
            awaitSeen();
            tunnels.running.clear(); // disconnect, and at once a connect whose handshake takes a while
            Future<Integer> starting = executor.submit(this::connect);
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                    () -> idle.get(3 * Operations.IDLE_POLL_MS, TimeUnit.MILLISECONDS), "exited under a start");
            tunnels.holdStart.countDown();
            assertEquals(0, starting.get(5, TimeUnit.SECONDS), err.toString());
            Thread.sleep(2 * Operations.IDLE_POLL_MS);
            assertTrue(!idle.isDone(), "the new tunnel keeps the instance");
            tunnels.running.clear();
            assertEquals(0, idle.get(5, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    /** Until wait-idle has listed the tunnels once, and so seen one. */
    private void awaitSeen() throws InterruptedException {
        while (tunnels.listCalls.get() == 0) Thread.sleep(5);
    }

    private int connect() {
        return operations.connect(List.of("198.51.100.1"), "pw".toCharArray(), new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true));
    }

    @Test
    void waitIdlePollsInsteadOfSpinningOnAStoppedTunnel() throws Exception {
        FakeTunnelService tunnels = new FakeTunnelService();
        tunnels.running.put("client", FakeTunnelService.status("client", "stopped"));
        Operations operations = new Operations(tunnels, new ConfiguredTunnels(), java.time.InstantSource.system());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> idle = executor.submit(operations::waitIdle);
            Thread.sleep(1200);
            int polls = tunnels.listCalls.get();
            assertTrue(polls >= 1 && polls <= 4, "polled " + polls + " times in 1.2 s");
            tunnels.running.clear();
            assertEquals(0, idle.get(5, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void runWaitsForEveryTunnelFileAndRefusesABadOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path etc)
            throws Exception {
        ConfiguredTunnels configured = new ConfiguredTunnels();
        Operations run = new Operations(tunnels, configured, java.time.InstantSource.system());
        java.io.PrintWriter o = new java.io.PrintWriter(out, true);
        java.io.PrintWriter e = new java.io.PrintWriter(err, true);
        java.nio.file.Files.writeString(etc.resolve("io.netproxy.tunnel-example.cfg.sample"), "");
        assertEquals(2, run.awaitConfigured(etc, null, 100, o, e));
        assertTrue(err.toString().contains("no tunnel is configured: " + etc + " has no io.netproxy.tunnel-*.cfg file"),
                err.toString());

        String office = java.nio.file.Files.writeString(etc.resolve("io.netproxy.tunnel-office.cfg"), "").toString();
        String home = java.nio.file.Files.writeString(etc.resolve("io.netproxy.tunnel-home.cfg"), "").toString();
        configured.report(office, "office", ConfiguredTunnels.State.STARTING, null);
        assertEquals(2, run.awaitConfigured(etc, null, 200, o, e));
        assertTrue(err.toString().contains(home + ": not taken up within"), err.toString());

        configured.report(home, "home", ConfiguredTunnels.State.FAILED, home + ": tunnel did not start: no answer");
        assertEquals(0, run.awaitConfigured(etc, null, 200, o, e), "a start that failed is retried, not a bad file");
        assertTrue(out.toString().contains("tunnel office of " + office + ": starting"), out.toString());

        configured.report(home, "home", ConfiguredTunnels.State.REFUSED, home + ":2: port: '0' is not allowed");
        assertEquals(2, run.awaitConfigured(etc, null, 200, o, e));
        assertTrue(err.toString().contains("netproxy: " + home + ":2: port: '0' is not allowed"), err.toString());
    }

    @Test
    void runOfOneTunnelWaitsForItsFileAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path etc) throws Exception {
        ConfiguredTunnels configured = new ConfiguredTunnels();
        Operations run = new Operations(tunnels, configured, java.time.InstantSource.system());
        java.io.PrintWriter o = new java.io.PrintWriter(out, true);
        java.io.PrintWriter e = new java.io.PrintWriter(err, true);
        String office = java.nio.file.Files.writeString(etc.resolve("io.netproxy.tunnel-office.cfg"), "").toString();
        java.nio.file.Files.writeString(etc.resolve("io.netproxy.tunnel-home.cfg"), "");
        assertEquals(2, run.awaitConfigured(etc, "lab", 100, o, e));
        assertTrue(err.toString().contains("no tunnel is configured: " + etc + " has no io.netproxy.tunnel-lab.cfg file; copy "
                + etc.resolve("io.netproxy.tunnel-example.cfg.sample") + " to " + etc.resolve("io.netproxy.tunnel-lab.cfg")),
                err.toString());
        assertEquals(2, run.awaitConfigured(etc, "*", 100, o, e));
        assertTrue(err.toString().contains("'*' is not a tunnel file's NAME"), err.toString());

        // the other file (home) is never taken up in this instance, and is not waited for
        configured.report(office, "office", ConfiguredTunnels.State.STARTING, null);
        assertEquals(0, run.awaitConfigured(etc, "office", 200, o, e), err.toString());
        assertTrue(out.toString().contains("tunnel office of " + office + ": starting"), out.toString());
    }

    @Test
    void healthIsOneLineForTheServiceManager() {
        java.io.PrintWriter o = new java.io.PrintWriter(out, true);
        assertEquals(0, operations.health(o));
        assertEquals("no tunnels", out.toString().strip());
        tunnels.running.put("office", FakeTunnelService.status("office", "connected"));
        tunnels.running.put("home", FakeTunnelService.status("home", "handshaking"));
        out.getBuffer().setLength(0);
        assertEquals(1, operations.health(o));
        String line = out.toString().strip();
        assertTrue(line.contains("tunnel office: client connected") && line.contains("tunnel home: client handshaking")
                && !line.contains("\n"), line);
        tunnels.running.put("home", FakeTunnelService.status("home", "connected"));
        assertEquals(0, operations.health(new java.io.PrintWriter(new java.io.StringWriter(), true)));
    }

    @Test
    void cleanupLiftsKillSwitchesUnlessAskedToKeepThem() {
        java.io.PrintWriter o = new java.io.PrintWriter(out, true);
        java.io.PrintWriter e = new java.io.PrintWriter(err, true);
        assertEquals(0, operations.cleanup(java.util.List.of(), o, e));
        assertEquals(0, operations.cleanup(java.util.List.of("--keep-kill-switch"), o, e));
        assertEquals("reverted a kill switch\nreverted routes\n", out.toString().replace("\r", ""));
        assertEquals(2, operations.cleanup(java.util.List.of("--all"), o, e));
        assertEquals("netproxy: cleanup [--keep-kill-switch]\n", err.toString().replace("\r", ""));
    }
}
