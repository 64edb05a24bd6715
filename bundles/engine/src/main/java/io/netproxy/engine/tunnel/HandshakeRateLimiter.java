package io.netproxy.engine.tunnel;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source address for handshake initiations, checked before any expensive work, so
 * one host cannot make the server burn CPU on Diffie-Hellman. Buckets of idle sources are forgotten.
 */
final class HandshakeRateLimiter {
    private static final int MAX_SOURCES = 65_536;
    private final double perSecond;
    private final double burst;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    HandshakeRateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    boolean allow(InetAddress source, long nowNanos) {
        // The table is bounded: when it is full of busy sources, new ones wait for the timer to forget idle ones.
        if (buckets.size() >= MAX_SOURCES && !buckets.containsKey(source)) return false;
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

    /** Drops buckets that have refilled completely: their sources are quiet. Timer thread. */
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
