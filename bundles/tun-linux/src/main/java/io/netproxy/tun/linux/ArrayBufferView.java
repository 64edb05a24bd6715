package io.netproxy.tun.linux;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * ByteBuffers over a caller's arrays, one per array and kept between calls, so that the packet path allocates only
 * when it meets an array it has not seen: a batch keeps its arrays, and a batch write goes through all of them in
 * turn. Used by one thread at a time.
 */
final class ArrayBufferView {
    /** More arrays than any reader or writer cycles through; reaching it means the old batches are gone. */
    private static final int MAX_ARRAYS = 256;

    private final Map<byte[], ByteBuffer> buffers = new IdentityHashMap<>();

    /** A buffer whose remaining bytes are {@code array[off .. off+len)}. */
    ByteBuffer of(byte[] array, int off, int len) {
        ByteBuffer buffer = buffers.get(array);
        if (buffer == null) {
            if (buffers.size() == MAX_ARRAYS) buffers.clear();
            buffer = ByteBuffer.wrap(array);
            buffers.put(array, buffer);
        }
        buffer.clear().position(off).limit(off + len);
        return buffer;
    }
}
