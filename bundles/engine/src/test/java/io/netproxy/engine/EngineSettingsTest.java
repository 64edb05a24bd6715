package io.netproxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netproxy.engine.tunnel.Tunables;
import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {
    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertEquals(TunnelManager.Settings.DEFAULTS, TunnelManager.Settings.of(configuration(20, 40, 1400, 0, 30, 10)));
        assertEquals(new Tunables(20, 40, 1400, Math.min(Runtime.getRuntime().availableProcessors(), 8)),
                Tunables.DEFAULTS);
    }

    @Test
    void dataThreadsAreOnePerCpuUnlessSet() {
        assertEquals(Tunables.defaultDataThreads(),
                TunnelManager.Settings.of(configuration(20, 40, 1400, 0, 30, 10)).tunables().dataThreads());
        assertEquals(3, TunnelManager.Settings.of(configuration(20, 40, 1400, 3, 30, 10)).tunables().dataThreads());
        assertEquals("dataThreads: '65' is not allowed; expected a whole number from 0 to 64",
                assertThrows(IllegalArgumentException.class,
                        () -> TunnelManager.Settings.of(configuration(20, 40, 1400, 65, 30, 10))).getMessage());
    }

    @Test
    void aValueOutOfRangeNamesTheKeyTheValueAndWhatIsAllowed() {
        assertEquals("defaultMtu: '100' is not allowed; expected a whole number from 576 to 9000",
                assertThrows(IllegalArgumentException.class,
                        () -> TunnelManager.Settings.of(configuration(20, 40, 100, 0, 30, 10))).getMessage());
        assertEquals("handshakesPerSecond: '0' is not allowed; expected a whole number from 1 to 10000",
                assertThrows(IllegalArgumentException.class,
                        () -> TunnelManager.Settings.of(configuration(0, 40, 1400, 0, 30, 10))).getMessage());
        assertEquals("transportGraceSeconds: '-1' is not allowed; expected a whole number from 0 to 3600",
                assertThrows(IllegalArgumentException.class,
                        () -> TunnelManager.Settings.of(configuration(20, 40, 1400, 0, -1, 10))).getMessage());
    }

    private static EngineConfiguration configuration(int perSecond, int burst, int mtu, int dataThreads, int grace,
            int wait) {
        return new EngineConfiguration() {
            @Override public Class<? extends Annotation> annotationType() { return EngineConfiguration.class; }
            @Override public int handshakesPerSecond() { return perSecond; }
            @Override public int handshakeBurst() { return burst; }
            @Override public int defaultMtu() { return mtu; }
            @Override public int dataThreads() { return dataThreads; }
            @Override public int transportGraceSeconds() { return grace; }
            @Override public int pluginWaitSeconds() { return wait; }
        };
    }
}
