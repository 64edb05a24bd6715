package io.netproxy.engine.tunnel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets something happen at most once per interval, from any number of threads: the log lines that a sender could
 * otherwise repeat at will (drops, refused handshakes).
 */
final class Throttle {
    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos;

    /** @param nowNanos the clock's reading now: the first call may pass at once */
    Throttle(long intervalNanos, long nowNanos) {
        this.intervalNanos = intervalNanos;
        this.nextAllowedNanos = new AtomicLong(nowNanos);
    }

    /** Whether the interval since the last time that passed is over; if so, this is the last time from now on. */
    boolean passes(long nowNanos) {
        long next = nextAllowedNanos.get();
        return nowNanos - next >= 0 && nextAllowedNanos.compareAndSet(next, nowNanos + intervalNanos);
    }
}
