package io.netproxy.cipher.jce;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketBoundsTest {
    private final byte[] buf = new byte[100];

    @Test
    void acceptsRangesInsideTheBufferIncludingItsEdges() {
        assertTrue(PacketBounds.fit(buf, 0, 16, 16, 84, 16));
        assertTrue(PacketBounds.fit(buf, 0, 0, 0, 100, 16));
        assertTrue(PacketBounds.fit(buf, 100, 0, 84, 16, 16));
        assertTrue(PacketBounds.fit(buf, 0, 100, 0, 16, 16));
    }

    @ParameterizedTest
    @CsvSource({
            "-1, 16, 16, 84", // AAD before the buffer
            "0, -1, 16, 84", // negative AAD length
            "90, 16, 16, 84", // AAD past the end
            "101, 0, 16, 84", // empty AAD past the end
            "0, 16, -1, 84", // payload before the buffer
            "0, 16, 17, 84", // payload past the end
            "0, 16, 16, 15", // shorter than the tag
            "0, 16, 16, -1", // negative length
            "0, 16, 2147483647, 16", // offset that would overflow off + len
            "0, 16, 16, 2147483647", // length that would overflow off + len
            "2147483647, 1, 16, 84", // AAD offset that would overflow
    })
    void rejectsRangesOutsideTheBuffer(int aadOff, int aadLen, int off, int len) {
        assertFalse(PacketBounds.fit(buf, aadOff, aadLen, off, len, 16));
    }

    @Test
    void rejectsNoBuffer() {
        assertFalse(PacketBounds.fit(null, 0, 0, 0, 16, 16));
    }
}
