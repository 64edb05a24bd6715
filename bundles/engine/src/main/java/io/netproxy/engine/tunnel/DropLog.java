package io.netproxy.engine.tunnel;

import java.net.InetSocketAddress;
import org.slf4j.Logger;

/** Debug reports of dropped packets, at most one a second per tunnel so a flood cannot flood the log. */
final class DropLog {
    private final Logger log;
    private final String tunnel;
    private final EngineClock clock;
    private final Throttle oncePerSecond;

    DropLog(Logger log, String tunnel, EngineClock clock) {
        this.log = log;
        this.tunnel = tunnel;
        this.clock = clock;
        this.oncePerSecond = new Throttle(1_000_000_000L, clock.nanoTime());
    }

    void dropped(Counters.Counter reason, InetSocketAddress from) {
        if (!log.isDebugEnabled() || !oncePerSecond.passes(clock.nanoTime())) return;
        log.debug("tunnel {}: dropped a packet from {}: {} (further drops this second are only counted)",
                tunnel, from, reason.label);
    }
}
