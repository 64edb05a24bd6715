package io.netproxy.engine.tunnel;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per source address for handshake initiations, checked before any expensive work, so
 * one host cannot make the server burn CPU on Diffie-Hellman. Buckets of idle sources are forgotten.
 */
final class HandshakeRateLimiter {
    static final int MAX_SOURCES = 65_536;
    /** How often a full table may be swept on the spot: a sweep visits every bucket. */
    static final long FULL_SWEEP_INTERVAL_NANOS = 100_000_000L;
    private static final long NEVER = Long.MIN_VALUE;
    private final double perSecond;
    private final double burst;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastFullSweepNanos = new AtomicLong(NEVER);

    HandshakeRateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    boolean allow(InetAddress source, long nowNanos) {
        // The table is bounded. A flood from many (spoofed) sources fills it with sources that are idle a moment
        // later; sweeping them on the spot, at most every 100 ms, lets a new source in sooner than the timer would.
        if (buckets.size() >= MAX_SOURCES && !buckets.containsKey(source)) {
            long last = lastFullSweepNanos.get();
            if ((last == NEVER || nowNanos - last >= FULL_SWEEP_INTERVAL_NANOS)
                    && lastFullSweepNanos.compareAndSet(last, nowNanos)) {
                forgetIdle(nowNanos);
            }
            if (buckets.size() >= MAX_SOURCES) return false;
        }
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(burst, nowNanos));
        synchronized (bucket) {
            double elapsed = (nowNanos - bucket.lastNanos) / 1e9;
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
            bucket.lastNanos = nowNanos;
            if (bucket.tokens < 1) return false;
            bucket.tokens -= 1;
            return true;
        }
    }

    /** The tokens the source's bucket holds now, without taking one; a full bucket for a source it does not know. */
    double tokens(InetAddress source, long nowNanos) {
        Bucket bucket = buckets.get(source);
        if (bucket == null) return burst;
        synchronized (bucket) {
            return Math.min(burst, bucket.tokens + (nowNanos - bucket.lastNanos) / 1e9 * perSecond);
        }
    }

    /** Gives one token back to the source's bucket, if it still has one (a budget refunded once spent well). */
    void giveBack(InetAddress source) {
        Bucket bucket = buckets.get(source);
        if (bucket == null) return;
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + 1);
        }
    }

    /** Drops buckets that have refilled completely: their sources are quiet. Timer thread, or a reader when full. */
    void forgetIdle(long nowNanos) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            if ((nowNanos - bucket.lastNanos) / 1e9 * perSecond + bucket.tokens >= burst) it.remove();
        }
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }
}
