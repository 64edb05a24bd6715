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
