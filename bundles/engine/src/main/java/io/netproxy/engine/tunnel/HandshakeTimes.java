package io.netproxy.engine.tunnel;

import io.netproxy.api.tunnel.Histogram;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** How long a tunnel's completed handshakes took, in buckets from half a millisecond (loopback) to five seconds. */
final class HandshakeTimes {
    private static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
    private final DoubleAdder sum = new DoubleAdder();

    HandshakeTimes() {
        for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    void observe(long nanos) {
        double seconds = Math.max(0, nanos) / 1e9;
        int bucket = 0;
        while (bucket < BOUNDS.length && seconds > BOUNDS[bucket]) bucket++;
        counts[bucket].increment();
        sum.add(seconds);
    }

    Histogram snapshot() {
        long[] values = new long[counts.length];
        for (int i = 0; i < values.length; i++) values[i] = counts[i].sum();
        return new Histogram(BOUNDS, values, sum.sum());
    }
}
