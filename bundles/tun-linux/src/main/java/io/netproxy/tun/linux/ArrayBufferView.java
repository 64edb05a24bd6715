package io.netproxy.tun.linux;

import java.nio.ByteBuffer;

/**
 * A ByteBuffer over a caller's array, kept between calls so that the packet path allocates only when the
 * array changes (a batch keeps its arrays). Used by one thread at a time.
 */
final class ArrayBufferView {
    private ByteBuffer buffer = ByteBuffer.allocate(0);

    /** A buffer whose remaining bytes are {@code array[off .. off+len)}. */
    ByteBuffer of(byte[] array, int off, int len) {
        if (buffer.array() != array) {
            buffer = ByteBuffer.wrap(array);
        }
        buffer.clear().position(off).limit(off + len);
        return buffer;
    }
}
