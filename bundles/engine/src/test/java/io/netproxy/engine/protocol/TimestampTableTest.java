package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimestampTableTest {
    private static final byte[] KEY = Fixtures.bytes(1, 32);

    @Test
    void acceptsOnlyStrictlyGreaterTimestampsPerInitiator() {
        TimestampTable table = new TimestampTable(10);
        assertTrue(table.acceptIfNewer(KEY, 100));
        assertFalse(table.acceptIfNewer(KEY, 100));
        assertFalse(table.acceptIfNewer(KEY, 99));
        assertTrue(table.acceptIfNewer(Fixtures.bytes(2, 32), 50));
        assertTrue(table.acceptIfNewer(KEY, 101));
    }

    @Test
    void forgetsTheLongestIdleInitiatorWhenFull() {
        TimestampTable table = new TimestampTable(2);
        assertTrue(table.acceptIfNewer(Fixtures.bytes(1, 32), 10));
        assertTrue(table.acceptIfNewer(Fixtures.bytes(2, 32), 10));
        assertTrue(table.acceptIfNewer(Fixtures.bytes(1, 32), 11)); // client 1 active again
        assertTrue(table.acceptIfNewer(Fixtures.bytes(3, 32), 10)); // evicts client 2
        assertFalse(table.acceptIfNewer(Fixtures.bytes(1, 32), 11));
        assertTrue(table.acceptIfNewer(Fixtures.bytes(2, 32), 10), "client 2 was forgotten");
    }
}
