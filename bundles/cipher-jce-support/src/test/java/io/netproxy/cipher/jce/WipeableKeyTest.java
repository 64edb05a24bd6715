package io.netproxy.cipher.jce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WipeableKeyTest {
    private final byte[] bytes = {1, 2, 3, 4};

    @Test
    void isARawKeyOfItsAlgorithm() {
        WipeableKey key = new WipeableKey("AES", bytes);
        assertEquals("AES", key.getAlgorithm());
        assertEquals("RAW", key.getFormat());
        assertFalse(key.isDestroyed());
    }

    @Test
    void copiesTheCallersBytesAndHandsOutCopies() {
        WipeableKey key = new WipeableKey("AES", bytes);
        Arrays.fill(bytes, (byte) 0);
        byte[] encoded = key.getEncoded();
        assertArrayEquals(new byte[] {1, 2, 3, 4}, encoded);
        encoded[0] = 9;
        assertNotSame(encoded, key.getEncoded());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, key.getEncoded());
    }

    @Test
    void destroyedKeyRefusesItsBytes() {
        WipeableKey key = new WipeableKey("ChaCha20", bytes);
        key.destroy();
        assertTrue(key.isDestroyed());
        assertThrows(IllegalStateException.class, key::getEncoded);
        key.destroy();
        assertTrue(key.isDestroyed());
    }
}
