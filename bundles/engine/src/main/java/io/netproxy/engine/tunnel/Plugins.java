package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.Transport;
import io.netproxy.api.TunBackend;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The implementations a tunnel starts with, chosen by the manager from what is installed, live views of the
 * installed transports and cipher suites (which may change while the tunnel runs), the clock its timers run on and
 * where the instance keeps its state.
 *
 * @param transports     the transport policy and a live look-up of the installed transports by name
 * @param ciphers        cipher suites installed now, in order of preference
 * @param stateDirectory the instance's state directory (a client keeps its id there), or null for none
 * @param tunables       the engine's configured limits and defaults
 */
public record Plugins(Transports transports, TunBackend tunBackend, NetworkConfigurator netconf,
                      Supplier<List<CipherSuite>> ciphers, EngineClock clock,
                      java.nio.file.Path stateDirectory, Tunables tunables) {

    /**
     * The transports a tunnel may use.
     *
     * @param policy    which ones, and whether the tunnel moves between them on its own
     * @param installed the installed transport of a name, now
     * @param best      the highest-ranked installed transport, now
     */
    public record Transports(TransportPolicy policy, Function<String, Optional<Transport>> installed,
                             Supplier<Optional<Transport>> best) {
        /** The policy's transports that are installed now, in its order. */
        public List<Transport> available() {
            return policy.installed(installed, best.get());
        }

        /** The same transports under another policy. */
        public Transports withPolicy(TransportPolicy other) {
            return new Transports(other, installed, best);
        }

        /** A policy of one transport, always this one: for tests and embedders. */
        public static Transports only(Transport transport) {
            return new Transports(new TransportPolicy(List.of(transport.name()), false),
                    name -> name.equals(transport.name()) ? Optional.of(transport) : Optional.empty(),
                    () -> Optional.of(transport));
        }
    }

    CipherSuite cipher(int wireId) {
        for (CipherSuite suite : ciphers.get()) {
            if (suite.wireId() == wireId) return suite;
        }
        return null;
    }
}
