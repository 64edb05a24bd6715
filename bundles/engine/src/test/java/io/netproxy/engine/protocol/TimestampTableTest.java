package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimestampTableTest {
    private static final byte[] KEY = Fixtures.bytes(1, 32);

    @Test
    void acceptsOnlyStrictlyGreaterTimestampsPerInitiator() {
        TimestampTable table = new TimestampTable(10);
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(0, 16), 100));
        assertFalse(table.acceptIfNewer(KEY, Fixtures.bytes(0, 16), 100));
        assertFalse(table.acceptIfNewer(KEY, Fixtures.bytes(0, 16), 99));
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(1, 16), 50));
        assertTrue(table.acceptIfNewer(Fixtures.bytes(2, 32), Fixtures.bytes(0, 16), 50));
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(0, 16), 101));
    }

    @Test
    void forgetsTheLongestIdleInitiatorWhenFull() {
        TimestampTable table = new TimestampTable(2);
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(1, 16), 10));
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(2, 16), 10));
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(1, 16), 11)); // client 1 active again
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(3, 16), 10)); // evicts client 2
        assertFalse(table.acceptIfNewer(KEY, Fixtures.bytes(1, 16), 11));
        assertTrue(table.acceptIfNewer(KEY, Fixtures.bytes(2, 16), 10), "client 2 was forgotten");
    }
}
