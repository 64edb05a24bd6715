package io.netproxy.engine.tunnel;

import org.slf4j.Logger;

/**
 * Whether a server's handshake queue is loaded (WireGuard's "under load"): at least an eighth of it busy, and for a
 * second after that was last seen. While it is, initiations must prove their source address with a cookie (mac2)
 * before they may cost a Diffie-Hellman. Reader threads ask concurrently; the timer logs the episodes.
 */
final class LoadGauge {
    static final int THRESHOLD = ServerTunnel.HANDSHAKE_QUEUE / 8;
    static final long HOLD_NANOS = Tunnel.SECOND;

    private final Counters counters;
    private volatile boolean loaded;
    private volatile long untilNanos;
    /** The timer's view, for logging: whether it reported an episode and the counts when it began. */
    private boolean reported;
    private long sentBefore;
    private long turnedAwayBefore;

    LoadGauge(Counters counters) {
        this.counters = counters;
    }

    /** @param inFlight initiations queued for or in Diffie-Hellman now */
    boolean underLoad(int inFlight, long nowNanos) {
        if (inFlight >= THRESHOLD) {
            untilNanos = nowNanos + HOLD_NANOS;
            if (!loaded) {
                synchronized (this) {
                    if (!loaded) {
                        loaded = true;
                        counters.increment(Counters.Counter.UNDER_LOAD);
                    }
                }
            }
            return true;
        }
        if (!loaded) return false;
        if (nowNanos - untilNanos < 0) return true;
        synchronized (this) {
            if (loaded && nowNanos - untilNanos >= 0) loaded = false;
        }
        return false;
    }

    /** Logs when an episode began and, with what it turned away, when it ended. Timer thread. */
    void report(Logger log, String tunnel, long nowNanos) {
        boolean now = loaded && nowNanos - untilNanos < 0;
        if (now == reported) return;
        reported = now;
        long sent = counters.get(Counters.Counter.COOKIES_SENT);
        long turnedAway = counters.get(Counters.Counter.DROP_UNDER_LOAD);
        if (now) {
            log.info("tunnel {}: under load ({} or more handshakes waiting): initiations without a valid cookie get a"
                    + " cookie reply and no handshake", tunnel, THRESHOLD);
        } else {
            log.info("tunnel {}: no longer under load; {} initiations were turned away with {} cookie replies", tunnel,
                    turnedAway - turnedAwayBefore, sent - sentBefore);
        }
        sentBefore = sent;
        turnedAwayBefore = turnedAway;
    }
}
