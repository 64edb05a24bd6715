package io.netproxy.engine.protocol;

/**
 * The receive-side counter filter of one session (RFC 6479): a ring of 64-bit words that remembers which of
 * the last {@link #WINDOW_SIZE} counters below the greatest one seen have arrived. Accepting is O(1) except
 * on a jump forward, which clears at most the whole ring. Call {@link #accept} only after the packet
 * authenticated, or a forged counter would advance the window. Not thread-safe: one thread at a time.
 */
public final class ReplayWindow {
    private static final int WORD_BITS = 64;
    private static final int WORD_SHIFT = 6;
    private static final int WORDS = 256;
    private static final int WORD_INDEX_MASK = WORDS - 1;

    /** How far below the greatest counter seen a packet may arrive late: 16320 packets. */
    public static final int WINDOW_SIZE = (WORDS - 1) * WORD_BITS;

    /**
     * Counters at or above this are never sent nor accepted; the session must have been rekeyed long before.
     * The same shape as WireGuard's {@code 2^64 - 2^13 - 1}, within the non-negative range of a Java long.
     */
    public static final long REJECT_AFTER_MESSAGES = Long.MAX_VALUE - (1L << 13);

    private final long[] ring = new long[WORDS];
    private long greatest = -1;

    public ReplayWindow() {
    }

    /** True the first time an acceptable counter is seen; false for a repeat, a too-old or an out-of-range one. */
    public boolean accept(long counter) {
        if (counter < 0 || counter >= REJECT_AFTER_MESSAGES) {
            return false;
        }
        if (counter > greatest) {
            clearWordsUpTo(counter);
            greatest = counter;
        } else if (greatest - counter >= WINDOW_SIZE) {
            return false;
        }
        int word = (int) (counter >>> WORD_SHIFT) & WORD_INDEX_MASK;
        long bit = 1L << counter; // the shift distance is taken mod 64: the bit within the word
        if ((ring[word] & bit) != 0) {
            return false;
        }
        ring[word] |= bit;
        return true;
    }

    /** Zeroes the ring words between the greatest counter's word (exclusive) and the new counter's. */
    private void clearWordsUpTo(long counter) {
        long currentWord = greatest < 0 ? -1 : greatest >>> WORD_SHIFT;
        long steps = Math.min((counter >>> WORD_SHIFT) - currentWord, WORDS);
        for (long i = 1; i <= steps; i++) {
            ring[(int) (currentWord + i) & WORD_INDEX_MASK] = 0;
        }
    }
}
