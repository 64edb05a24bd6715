package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.Transport;
import io.netproxy.api.TunBackend;
import java.util.List;

/**
 * The implementations a tunnel starts with, chosen by the manager from what is installed, a live view of the
 * installed cipher suites (which may change while the tunnel runs), the clock its timers run on and where the
 * instance keeps its state.
 *
 * @param ciphers        cipher suites installed now, in order of preference
 * @param stateDirectory the instance's state directory (a client keeps its id there), or null for none
 * @param tunables       the engine's configured limits and defaults
 */
public record Plugins(Transport transport, TunBackend tunBackend, NetworkConfigurator netconf,
                      java.util.function.Supplier<List<CipherSuite>> ciphers, EngineClock clock,
                      java.nio.file.Path stateDirectory, Tunables tunables) {

    CipherSuite cipher(int wireId) {
        for (CipherSuite suite : ciphers.get()) {
            if (suite.wireId() == wireId) return suite;
        }
        return null;
    }
}
