package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashSet;
import java.util.Set;

/**
 * The replay window against the plainest model of its contract (docs/fuzzing.md), on counter sequences the fuzzer
 * chooses, as a peer chooses them: a counter is accepted once, unless it is out of range or
 * {@link ReplayWindow#WINDOW_SIZE} or more below the greatest accepted.
 */
class ReplayWindowFuzzTest {
    @FuzzTest
    void counterSequences(FuzzedDataProvider data) {
        ReplayWindow window = new ReplayWindow();
        Set<Long> seen = new HashSet<>();
        long greatest = -1;
        long previous = 0;
        while (data.remainingBytes() > 0) {
            long counter = switch (data.consumeInt(0, 3)) {
                // near the last one, far back or ahead, or anything
                case 0 -> previous + data.consumeInt(-64, 64);
                case 1 -> previous + data.consumeInt(-2 * ReplayWindow.WINDOW_SIZE, 2 * ReplayWindow.WINDOW_SIZE);
                case 2 -> ReplayWindow.REJECT_AFTER_MESSAGES - data.consumeInt(-2, 20_000);
                default -> data.consumeLong();
            };
            boolean expected = counter >= 0 && counter < ReplayWindow.REJECT_AFTER_MESSAGES
                    && (counter > greatest || greatest - counter < ReplayWindow.WINDOW_SIZE) && !seen.contains(counter);
            assertEquals(expected, window.accept(counter), "counter " + counter + " after greatest " + greatest);
            if (expected) {
                seen.add(counter);
                greatest = Math.max(greatest, counter);
            }
            previous = counter;
        }
    }
}
