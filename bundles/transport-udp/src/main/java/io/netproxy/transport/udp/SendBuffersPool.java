package io.netproxy.transport.udp;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Idle {@link SendBuffers} of one endpoint, for the threads that send on it at once (TUN readers, timers), taken
 * and given back without a lock or an allocation. More threads than places only cost new buffers.
 */
final class SendBuffersPool {
    private final AtomicReferenceArray<SendBuffers> idle;
    private final Supplier<SendBuffers> factory;

    SendBuffersPool(int places, Supplier<SendBuffers> factory) {
        this.idle = new AtomicReferenceArray<>(places);
        this.factory = factory;
    }

    SendBuffers take() {
        for (int place = 0; place < idle.length(); place++) {
            SendBuffers buffers = idle.get(place);
            if (buffers != null && idle.compareAndSet(place, buffers, null)) {
                return buffers;
            }
        }
        return factory.get();
    }

    void give(SendBuffers buffers) {
        for (int place = 0; place < idle.length(); place++) {
            if (idle.get(place) == null && idle.compareAndSet(place, null, buffers)) {
                return;
            }
        }
    }
}
