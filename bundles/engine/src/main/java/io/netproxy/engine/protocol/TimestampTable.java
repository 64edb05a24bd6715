package io.netproxy.engine.protocol;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The greatest initiation timestamp accepted per initiator static key, so a recorded
 * initiation cannot be replayed. Bounded: past {@link #capacity} entries the one updated longest ago is
 * forgotten. Entries are added after decryption, so in key mode only configured peers can cause that; in password
 * mode any key can (at the per-source rate limit), and a replay of a forgotten initiation then works for 15 minutes
 * at most and cannot complete a handshake.
 * Thread-safe.
 */
final class TimestampTable {
    static final int DEFAULT_CAPACITY = 65536;

    private final int capacity;
    // ByteBuffer keys compare by content and are Comparable, so colliding hashes degrade to a tree, not a list.
    private final Map<ByteBuffer, Long> greatest;

    TimestampTable(int capacity) {
        this.capacity = capacity;
        this.greatest = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Long> eldest) {
                return size() > TimestampTable.this.capacity;
            }
        };
    }

    /** Records {@code timestamp} and returns true if it is greater than any accepted for this initiator. */
    synchronized boolean acceptIfNewer(byte[] initiatorStaticKey, long timestamp) {
        ByteBuffer key = ByteBuffer.wrap(initiatorStaticKey.clone());
        Long previous = greatest.get(key);
        if (previous != null && timestamp <= previous) {
            return false;
        }
        // Re-inserting moves the entry to the young end, so eviction forgets the longest-idle initiator.
        greatest.remove(key);
        greatest.put(key, timestamp);
        return true;
    }
}
