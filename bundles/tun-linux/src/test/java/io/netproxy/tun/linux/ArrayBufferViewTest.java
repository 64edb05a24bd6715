package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ArrayBufferViewTest {
    @Test
    void reusesTheBufferForTheSameArray() {
        ArrayBufferView view = new ArrayBufferView();
        byte[] array = new byte[100];

        ByteBuffer first = view.of(array, 10, 20);
        assertEquals(10, first.position());
        assertEquals(30, first.limit());

        ByteBuffer second = view.of(array, 50, 50);
        assertSame(first, second);
        assertEquals(50, second.position());
        assertEquals(100, second.limit());
    }

    @Test
    void wrapsANewArray() {
        ArrayBufferView view = new ArrayBufferView();
        byte[] other = new byte[8];

        ByteBuffer first = view.of(new byte[8], 0, 8);
        ByteBuffer second = view.of(other, 2, 3);

        assertNotSame(first, second);
        assertSame(other, second.array());
        assertEquals(3, second.remaining());
    }

    @Test
    void keepsOneBufferPerArrayOfABatch() {
        ArrayBufferView view = new ArrayBufferView();
        byte[][] slots = {new byte[8], new byte[8], new byte[8]};
        ByteBuffer[] first = new ByteBuffer[slots.length];
        for (int i = 0; i < slots.length; i++) first[i] = view.of(slots[i], 0, 8);

        for (int i = 0; i < slots.length; i++) {
            assertSame(first[i], view.of(slots[i], 1, 2), "slot " + i + " again, after the others");
        }
    }
}
