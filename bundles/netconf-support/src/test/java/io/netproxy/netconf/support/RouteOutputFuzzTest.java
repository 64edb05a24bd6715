package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Optional;

/**
 * The readers of {@code ip route} output (docs/fuzzing.md), whose text comes from the host's routing table and so
 * from whatever set it up. The contract: unreadable output fails with an IOException, or an IllegalArgumentException
 * naming a device that is no interface name (the configurator rolls back on either); what is read is a valid
 * interface name and a gateway of address characters; and the metric chosen for a new route is one no route of
 * netproxy's has, and one {@code ip} takes (not negative).
 */
class RouteOutputFuzzTest {
    private static final String SERVER = "198.51.100.7";

    @FuzzTest
    void routeOutputs(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 2);
        String output = data.consumeRemainingAsString();
        switch (which) {
            case 0 -> {
                RouteToServer route;
                try {
                    route = RouteOutputParser.parseRouteGet(output, SERVER);
                } catch (IOException | IllegalArgumentException e) {
                    return;
                }
                NetworkNames.requireInterface(route.device(), "device");
                assertTrue(route.via().isEmpty() || route.via().get(route.via().size() - 1).matches("[0-9A-Fa-f:.]+"),
                        () -> "gateway " + route.via());
            }
            case 1 -> {
                Optional<String> device = RouteOutputParser.defaultRouteDevice(output);
                device.ifPresent(name -> assertFalse(name.isBlank()));
            }
            default -> {
                RouteOutputParser.ExistingRoutes existing = RouteOutputParser.existing(output, "netproxy");
                int metric = existing.freeMetric(0);
                assertTrue(metric >= 0, () -> "metric " + metric);
                assertFalse(existing.netproxyMetrics().contains(metric), () -> "metric " + metric + " is taken");
            }
        }
    }
}
