package io.netproxy.engine.tunnel;

/**
 * The engine's one source of time, injected so that every timer (rekey, key expiry, keepalive, dead peer, lease
 * expiry, handshake retries and rate limits) runs on a fake clock in tests. Timers use the monotonic
 * {@link #nanoTime()}, which a wall-clock step (NTP, a suspended VM) cannot move; only handshake timestamps
 * and what status shows use {@link #epochMillis()}.
 */
public interface EngineClock {
    EngineClock SYSTEM = new EngineClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }
    };

    /** Monotonic nanoseconds from an arbitrary origin, for durations only. */
    long nanoTime();

    /** Milliseconds since the epoch. */
    long epochMillis();
}
