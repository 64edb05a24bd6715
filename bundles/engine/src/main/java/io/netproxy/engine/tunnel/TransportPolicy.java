package io.netproxy.engine.tunnel;

import io.netproxy.api.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which transports a tunnel uses. A named one is used alone. Without a name ({@code auto}), a server listens on
 * UDP and TCP at once (those of them that are installed), and a client starts on UDP, falls back to TCP when UDP
 * gets no answer, and returns to UDP when it works again. When neither is installed, auto means the
 * highest-ranked transport.
 *
 * @param names     the transports in order of preference
 * @param automatic whether the tunnel may move between them on its own
 */
public record TransportPolicy(List<String> names, boolean automatic) {
    public static final String AUTO = "auto";
    static final List<String> AUTOMATIC_ORDER = List.of("udp", "tcp");

    public TransportPolicy {
        names = List.copyOf(names);
    }

    /** The policy for a tunnel's {@code transport} setting: null or {@code auto}, or one transport's name. */
    public static TransportPolicy of(String requested) {
        return requested == null || requested.equals(AUTO)
                ? new TransportPolicy(AUTOMATIC_ORDER, true) : new TransportPolicy(List.of(requested), false);
    }

    /** The installed transports of this policy, in its order; for auto with none of its own, the best ranked. */
    List<Transport> installed(Function<String, Optional<Transport>> installed, Optional<Transport> best) {
        List<Transport> found = new ArrayList<>();
        for (String name : names) installed.apply(name).ifPresent(found::add);
        if (found.isEmpty() && automatic) best.ifPresent(found::add);
        return found;
    }

    /** {@code udp}, or {@code auto (udp, tcp)}. */
    @Override
    public String toString() {
        return automatic ? AUTO + " (" + String.join(", ", names) + ")" : names.get(0);
    }
}
