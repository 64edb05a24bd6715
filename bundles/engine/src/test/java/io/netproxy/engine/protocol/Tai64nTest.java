package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Tai64nTest {

    @Test
    void encodesLikeWireGuard() {
        byte[] out = new byte[12];
        Tai64n.write(1_700_000_000_500L, out, 0);
        assertEquals("400000006553f10a", java.util.HexFormat.of().formatHex(out, 0, 8));
        // 500 ms = 500,000,000 ns, rounded down to a multiple of 2^24.
        assertEquals(500_000_000 & ~((1 << 24) - 1), (int) Tai64n.read(out, 0) & ((1 << 30) - 1));
    }

    @Test
    void laterClocksGiveGreaterValuesOnceTheyLeaveTheBucket() {
        byte[] a = new byte[12];
        byte[] b = new byte[12];
        Tai64n.write(1_700_000_000_000L, a, 0);
        Tai64n.write(1_700_000_000_001L, b, 0);
        assertEquals(Tai64n.read(a, 0), Tai64n.read(b, 0), "whitened into the same ~16.8 ms bucket");
        Tai64n.write(1_700_000_000_017L, b, 0);
        assertTrue(Tai64n.read(b, 0) > Tai64n.read(a, 0));
        Tai64n.write(1_700_000_001_000L, b, 0);
        assertTrue(Tai64n.read(b, 0) > Tai64n.read(a, 0));
        assertEquals(1_700_000_001_000L, Tai64n.toEpochMillis(Tai64n.read(b, 0)));
    }
}
