package io.netproxy.engine.tunnel;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so; its wall clock follows its monotonic one from a fixed date. */
final class FakeClock implements EngineClock {
    private static final long START_EPOCH_MILLIS = 1_800_000_000_000L;

    private final AtomicLong nanos = new AtomicLong(1);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochMillis() {
        return START_EPOCH_MILLIS + nanos.get() / 1_000_000;
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
