package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.MessageLayout.HEADER_SIZE;
import static io.netproxy.transport.udp.MessageLayout.IOVEC_SIZE;

import io.netproxy.api.PacketBatch;
import java.nio.ByteBuffer;

/**
 * Native memory that one recvmmsg call fills for a batch of a given shape: per slot a header pointing at its own
 * iovec, sockaddr and payload room, which is what the batch's slot holds after its headroom. Written once; after a
 * call only the sockaddr lengths the kernel changed are given back.
 */
final class ReceiveBuffers {
    private final int slots;
    private final int room;
    private final ByteBuffer memory;
    private final long messages;
    private final int sockaddrs;
    private final int payloads;
    private final int payloadStride;

    /** For a batch of {@code slots} slots of {@code room} bytes each after the headroom. */
    ReceiveBuffers(int slots, int room) {
        this.slots = slots;
        this.room = room;
        int iovecs = slots * HEADER_SIZE;
        this.sockaddrs = iovecs + slots * IOVEC_SIZE;
        this.payloads = sockaddrs + slots * SocketAddresses.ROOM;
        this.payloadStride = (room + 63) & ~63; // each payload on its own cache lines
        this.memory = MessageLayout.allocate(payloads + slots * payloadStride);
        this.messages = MessageLayout.addressOf(memory);
        for (int slot = 0; slot < slots; slot++) {
            MessageLayout.writeHeader(memory, slot * HEADER_SIZE, messages + sockaddrs + slot * SocketAddresses.ROOM,
                    SocketAddresses.ROOM, messages + iovecs + slot * IOVEC_SIZE, 0, 0);
            MessageLayout.writeIovec(memory, iovecs + slot * IOVEC_SIZE, messages + payloads + slot * payloadStride, room);
        }
    }

    static int room(PacketBatch batch) {
        return batch.bufferSize() - batch.headroom();
    }

    boolean fits(PacketBatch batch) {
        return batch.capacity() == slots && room(batch) == room;
    }

    /** The address of the first struct mmsghdr, for recvmmsg with up to {@link #slots()} of them. */
    long messages() {
        return messages;
    }

    int slots() {
        return slots;
    }

    /**
     * Copies the {@code received} datagrams into the batch's slots at its headroom, each with its sender, and sets
     * the batch's size. A datagram longer than the room was cut short by the kernel (MSG_TRUNC) and is dropped
     * here: delivered, it could only fail to open. Returns how many the batch holds.
     */
    int moveInto(PacketBatch batch, int received, SenderAddressCache senders) {
        int headroom = batch.headroom();
        int kept = 0;
        for (int message = 0; message < received; message++) {
            int header = message * HEADER_SIZE;
            int sockaddr = sockaddrs + message * SocketAddresses.ROOM;
            MessageLayout.setNameLength(memory, header, SocketAddresses.ROOM);
            if ((MessageLayout.flags(memory, header) & SocketCalls.MSG_TRUNC) != 0) {
                continue;
            }
            int length = MessageLayout.datagramLength(memory, header);
            memory.get(payloads + message * payloadStride, batch.buffer(kept), headroom, length);
            batch.set(kept, headroom, length, senders.lookup(memory, sockaddr));
            kept++;
        }
        batch.setSize(kept);
        return kept;
    }
}
