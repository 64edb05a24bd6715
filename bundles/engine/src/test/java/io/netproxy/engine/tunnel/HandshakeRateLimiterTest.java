package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class HandshakeRateLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void aSourceGetsItsBurstThenItsRate() throws UnknownHostException {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(20, 5);
        InetAddress source = InetAddress.getByName("198.51.100.7");
        for (int i = 0; i < 5; i++) assertTrue(limiter.allow(source, 0), "burst " + i);
        assertFalse(limiter.allow(source, 0), "the burst is spent");
        assertTrue(limiter.allow(source, 50 * MS), "one more every 1/20 s");
        assertFalse(limiter.allow(source, 50 * MS));
    }

    @Test
    void aTableFilledByAFloodOfSourcesMakesRoomForANewOneOnceTheyAreIdle() throws UnknownHostException {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(20, 5);
        long t0 = 1_000 * MS;
        for (int i = 0; i < HandshakeRateLimiter.MAX_SOURCES; i++) {
            // one initiation each from 198.18.0.0/15, as from spoofed addresses
            assertTrue(limiter.allow(InetAddress.getByAddress(new byte[] {(byte) 198, (byte) (18 + (i >> 16)),
                    (byte) (i >> 8), (byte) i}), t0));
        }
        InetAddress client = InetAddress.getByName("192.0.2.2");
        assertFalse(limiter.allow(client, t0 + 10 * MS), "full of sources that are not idle yet (refilling until +50 ms)");
        assertFalse(limiter.allow(client, t0 + 60 * MS), "at most one sweep per 100 ms (the last was at +10 ms)");
        assertTrue(limiter.allow(client, t0 + 110 * MS), "the flood's sources are idle: swept on the spot, not at the next tick");

        for (int i = 0; i < HandshakeRateLimiter.MAX_SOURCES; i++) {
            limiter.allow(InetAddress.getByAddress(new byte[] {(byte) 198, (byte) 19, (byte) (i >> 8), (byte) i}), t0 + 120 * MS);
        }
        InetAddress another = InetAddress.getByName("192.0.2.3");
        assertFalse(limiter.allow(another, t0 + 180 * MS), "the last sweep was at +110 ms");
        assertTrue(limiter.allow(another, t0 + 210 * MS), "the next sweep, 100 ms after the last, makes room");
    }
}
