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
    private final Operations operations = new Operations(tunnels);
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
    void waitIdlePollsInsteadOfSpinningOnAStoppedTunnel() throws Exception {
        FakeTunnelService tunnels = new FakeTunnelService();
        tunnels.running.put("client", FakeTunnelService.status("client", "stopped"));
        Operations operations = new Operations(tunnels);
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
}
