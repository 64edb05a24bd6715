package io.netproxy.engine.tunnel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Password mode's budget of guesses (PROTOCOL.md 9). A server cannot tell a wrong password from the initiation (CPace
 * checks it at the client), so every response to a client key that never proved the password lets its sender test one
 * guess. Those responses are counted per source (an IPv4 address, an IPv6 /64) and for the whole server; a key that
 * sent data on one of its sessions has proven the password, gets its tokens back and is exempt from then on, so an
 * attacker can slow down new clients but not the ones that connected before.
 */
final class PasswordAttempts {
    /** Responses to unproven keys a source may get at once, and how fast it earns another: one a minute. */
    static final int PER_SOURCE = 10;
    static final double PER_SOURCE_PER_SECOND = 1.0 / 60;
    /** The same for the whole server: sixty a minute after a burst of 120. */
    static final int PER_SERVER = 120;
    static final double PER_SERVER_PER_SECOND = 1.0;
    /** Unproven clients holding an address at once (a quarter of the pool when that is less): made-up keys cannot empty it. */
    static final int PROVISIONAL_LEASES = 64;
    /** How long an unproven client keeps its address without sending data: it proves the password in one round trip. */
    static final long PROVISIONAL_NANOS = 5_000_000_000L;

    private final HandshakeRateLimiter perSource = new HandshakeRateLimiter(PER_SOURCE_PER_SECOND, PER_SOURCE);
    /** One bucket, under a fixed key; forgetting it when full is the same as keeping it. */
    private final HandshakeRateLimiter perServer = new HandshakeRateLimiter(PER_SERVER_PER_SECOND, PER_SERVER);
    /** The keys that proved the password, the longest unseen forgotten first. */
    private final Map<String, Boolean> proven;

    /** @param provenCapacity how many proven keys to remember: a few times the pool, as clients come and go */
    PasswordAttempts(int provenCapacity) {
        this.proven = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > provenCapacity;
            }
        };
    }

    synchronized boolean isProven(String clientKey) {
        return proven.get(clientKey) != null;
    }

    /** Takes a guess from the source's and the server's budget; false, taking nothing, when either is spent. */
    boolean take(InetAddress source, long nowNanos) {
        InetAddress bucket = sourceBucket(source);
        if (!perSource.allow(bucket, nowNanos)) return false;
        if (perServer.allow(InetAddress.getLoopbackAddress(), nowNanos)) return true;
        perSource.giveBack(bucket);
        return false;
    }

    /** A guess taken for a response that was not sent after all. */
    void refund(InetAddress source) {
        perSource.giveBack(sourceBucket(source));
        perServer.giveBack(InetAddress.getLoopbackAddress());
    }

    /**
     * Whether the server's budget is half spent: the server then wants a cookie with every initiation, so that only
     * sources that receive at their addresses spend the rest.
     */
    boolean serverBudgetLow(long nowNanos) {
        return perServer.tokens(InetAddress.getLoopbackAddress(), nowNanos) < PER_SERVER / 2.0;
    }

    /** The key sent data on a session: it knows the password. Its guess is given back. */
    void prove(String clientKey, InetAddress source) {
        synchronized (this) {
            if (proven.put(clientKey, Boolean.TRUE) != null) return;
        }
        refund(source);
    }

    void forgetIdle(long nowNanos) {
        perSource.forgetIdle(nowNanos);
    }

    /** An IPv6 source counts as its /64: one host has a whole /64 of addresses to send from. */
    private static InetAddress sourceBucket(InetAddress source) {
        if (!(source instanceof Inet6Address)) return source;
        byte[] prefix = Arrays.copyOf(source.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
