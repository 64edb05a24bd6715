package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.Transport;
import io.netproxy.api.TunBackend;
import java.util.List;

/**
 * The implementations a tunnel starts with, chosen by the manager from what is installed, a live view of the
 * installed cipher suites (which may change while the tunnel runs), and the clock its timers run on.
 *
 * @param ciphers cipher suites installed now, in order of preference
 */
public record Plugins(Transport transport, TunBackend tunBackend, NetworkConfigurator netconf,
                      java.util.function.Supplier<List<CipherSuite>> ciphers, EngineClock clock) {

    CipherSuite cipher(int wireId) {
        for (CipherSuite suite : ciphers.get()) {
            if (suite.wireId() == wireId) return suite;
        }
        return null;
    }
}
