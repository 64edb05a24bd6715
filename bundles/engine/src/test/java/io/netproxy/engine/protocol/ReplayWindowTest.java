package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private static final int W = ReplayWindow.WINDOW_SIZE;

    private final ReplayWindow window = new ReplayWindow();

    @Test
    void theWindowCoversAtLeast8192Packets() {
        assertTrue(W >= 8192);
    }

    @Test
    void inOrderCountersAreAcceptedOnce() {
        for (long c = 0; c < 3 * W; c++) {
            assertTrue(window.accept(c), "counter " + c);
        }
        for (long c = 3L * W - 100; c < 3 * W; c++) {
            assertFalse(window.accept(c), "replay of " + c);
        }
    }

    @Test
    void outOfOrderCountersWithinTheWindowAreAcceptedOnce() {
        assertTrue(window.accept(1000));
        for (long c = 999; c >= 0; c -= 3) {
            assertTrue(window.accept(c));
        }
        for (long c = 999; c >= 0; c -= 3) {
            assertFalse(window.accept(c));
        }
        assertTrue(window.accept(998));
        assertFalse(window.accept(1000));
    }

    @Test
    void theEdgeOfTheWindowIsExact() {
        long top = 5L * W + 17;
        assertTrue(window.accept(top));
        assertTrue(window.accept(top - (W - 1)), "the oldest counter still inside the window");
        assertFalse(window.accept(top - W), "the first counter outside it");
        assertFalse(window.accept(top - W - 1000));
        assertFalse(window.accept(top - (W - 1)), "and no replay at the edge either");
    }

    @Test
    void aBigJumpForgetsEverythingBehindTheWindow() {
        for (long c = 0; c < 200; c++) {
            window.accept(c);
        }
        long far = 1L << 40;
        assertTrue(window.accept(far));
        assertFalse(window.accept(199), "far too old now");
        // The ring slots the old counters used are clear for the counters that map onto them now.
        for (long c = far - 1; c > far - W; c -= 61) {
            assertTrue(window.accept(c), "counter " + c);
        }
    }

    @Test
    void ringSlotsReusedAfterAJumpAreCleared() {
        for (long c = 0; c < 500; c++) {
            assertTrue(window.accept(c));
        }
        long next = W + 300L;
        assertTrue(window.accept(next));
        assertFalse(window.accept(300), "just outside the window");
        assertFalse(window.accept(301), "inside the window and already seen");
        assertFalse(window.accept(499));
        // Counters past 499 share ring words with 0..499 before the jump; those must read as unseen.
        for (long c = 500; c < next; c++) {
            assertTrue(window.accept(c), "counter " + c);
        }
    }

    @Test
    void negativeAndExhaustedCountersAreRejected() {
        assertFalse(window.accept(-1));
        assertFalse(window.accept(Long.MIN_VALUE));
        assertFalse(window.accept(ReplayWindow.REJECT_AFTER_MESSAGES));
        assertFalse(window.accept(Long.MAX_VALUE));
        assertTrue(window.accept(ReplayWindow.REJECT_AFTER_MESSAGES - 1));
        assertFalse(window.accept(ReplayWindow.REJECT_AFTER_MESSAGES - 1));
    }

    @Test
    void agreesWithAStraightforwardModelOnRandomTraffic() {
        Random random = new Random(6479);
        BitSet seen = new BitSet();
        long greatest = -1;
        long base = 0;
        for (int i = 0; i < 200_000; i++) {
            if (random.nextInt(1000) == 0) {
                base += random.nextInt(3 * W);
            }
            long counter = Math.max(0, base + random.nextInt(2 * W) - W);
            boolean expected = (greatest < 0 || counter > greatest - W) && !seen.get((int) counter);
            assertEquals(expected, window.accept(counter), "counter " + counter + " at step " + i);
            if (expected) {
                seen.set((int) counter);
                greatest = Math.max(greatest, counter);
            }
        }
    }
}
