package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netproxy.api.tunnel.Histogram;
import org.junit.jupiter.api.Test;

class HandshakeTimesTest {
    @Test
    void anObservationFallsIntoTheFirstBucketWhoseBoundHoldsIt() {
        HandshakeTimes times = new HandshakeTimes();
        times.observe(100_000);        // 0.1 ms
        times.observe(1_000_000);      // exactly 1 ms: bounds are inclusive
        times.observe(1_000_001);
        times.observe(10_000_000_000L); // 10 s, above the highest bound
        times.observe(-5);             // a clock that went back counts as no time
        Histogram h = times.snapshot();
        assertEquals(13, h.upperBounds().length);
        assertEquals(0.001, h.upperBounds()[1]);
        assertArrayEquals(new long[] {2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, h.counts());
        assertEquals(5, h.count());
        assertEquals(10.002100001, h.sum(), 1e-9);
    }
}
