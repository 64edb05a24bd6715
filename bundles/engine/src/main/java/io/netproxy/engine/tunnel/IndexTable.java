package io.netproxy.engine.tunnel;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps the receiver index of data messages to sessions without locks or boxing on lookup. An index is
 * a random 16-bit tag over a 16-bit slot, so a guessed index rarely hits a live session and a stale one
 * (slot reused) is told apart by the full index.
 */
final class IndexTable {
    private static final int SLOTS = 1 << 16;
    private final AtomicReferenceArray<Session> table = new AtomicReferenceArray<>(SLOTS);
    private final boolean[] reserved = new boolean[SLOTS];
    private final SecureRandom random = new SecureRandom();
    private int cursor;

    /** Reserves a fresh index for a session that will be {@link #put} once created. */
    synchronized int allocate() {
        for (int tries = 0; tries < SLOTS; tries++) {
            int slot = cursor;
            cursor = (cursor + 1) & (SLOTS - 1);
            if (table.get(slot) == null && !reserved[slot]) {
                reserved[slot] = true;
                int tag = random.nextInt(0xFFFF) + 1;
                return tag << 16 | slot;
            }
        }
        throw new IllegalStateException("all " + SLOTS + " session indices are in use");
    }

    synchronized void put(Session session) {
        int slot = session.localIndex() & (SLOTS - 1);
        reserved[slot] = false;
        table.set(slot, session);
    }

    /** Gives back an index whose handshake was abandoned before a session existed. */
    synchronized void release(int index) {
        reserved[index & (SLOTS - 1)] = false;
    }

    Session get(int index) {
        Session session = table.get(index & (SLOTS - 1));
        return session != null && session.localIndex() == index ? session : null;
    }

    void remove(Session session) {
        table.compareAndSet(session.localIndex() & (SLOTS - 1), session, null);
    }
}
