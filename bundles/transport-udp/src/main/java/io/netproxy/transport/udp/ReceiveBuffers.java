package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.MessageLayout.HEADER_SIZE;
import static io.netproxy.transport.udp.MessageLayout.IOVEC_SIZE;
import static io.netproxy.transport.udp.MessageLayout.SEGMENT_CONTROL_SPACE;

import io.netproxy.api.PacketBatch;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Native memory that one recvmmsg call fills for a batch of a given shape: per slot a header pointing at its own
 * iovec, sockaddr, control buffer and payload room. Written once; after a call only the lengths the kernel changed
 * are given back. With UDP GRO a message may hold a run of datagrams of one sender, each {@code segment size}
 * long but the last, in up to 64 KiB; they are split into the batch's slots, and what does not fit waits for the
 * next batch.
 */
final class ReceiveBuffers {
    /** The most a coalesced datagram carries: one IP packet of 64 KiB. */
    private static final int COALESCED_ROOM = 65_535;
    /**
     * Messages per call with UDP GRO, where each needs room for 64 KiB: one may carry a run of dozens of datagrams,
     * so a few fill a batch, while room for a batch's every slot would keep 4 MiB resident per socket. Datagrams of
     * many senders, which the kernel cannot coalesce, then take a call per 16.
     */
    static final int COALESCED_MESSAGES = 16;

    private final int slots;
    /** Messages one call may fill. */
    private final int messageCount;
    private final int room;
    private final ByteBuffer memory;
    private final long messages;
    private final int controls;
    private final int sockaddrs;
    private final int payloads;
    private final int payloadStride;

    /** Messages the last call filled, the first of them not yet moved into a batch, and where in it. */
    private int received;
    private int next;
    private int nextOffset;

    /**
     * For a batch of {@code slots} slots of {@code room} bytes each after the headroom; {@code coalescing} when the
     * socket has UDP_GRO on.
     */
    ReceiveBuffers(int slots, int room, boolean coalescing) {
        this.slots = slots;
        this.room = room;
        this.messageCount = coalescing ? Math.min(slots, COALESCED_MESSAGES) : slots;
        int messageRoom = coalescing ? Math.max(room, COALESCED_ROOM) : room;
        int iovecs = messageCount * HEADER_SIZE;
        this.controls = iovecs + messageCount * IOVEC_SIZE;
        this.sockaddrs = controls + messageCount * SEGMENT_CONTROL_SPACE;
        this.payloads = sockaddrs + messageCount * SocketAddresses.ROOM;
        this.payloadStride = (messageRoom + 63) & ~63; // each payload on its own cache lines
        this.memory = MessageLayout.allocate(payloads + messageCount * payloadStride);
        this.messages = MessageLayout.addressOf(memory);
        for (int slot = 0; slot < messageCount; slot++) {
            MessageLayout.writeHeader(memory, slot * HEADER_SIZE, messages + sockaddrs + slot * SocketAddresses.ROOM,
                    SocketAddresses.ROOM, messages + iovecs + slot * IOVEC_SIZE,
                    messages + controls + slot * SEGMENT_CONTROL_SPACE, SEGMENT_CONTROL_SPACE);
            MessageLayout.writeIovec(memory, iovecs + slot * IOVEC_SIZE, messages + payloads + slot * payloadStride,
                    messageRoom);
        }
    }

    static int room(PacketBatch batch) {
        return batch.bufferSize() - batch.headroom();
    }

    boolean fits(PacketBatch batch) {
        return batch.capacity() == slots && room(batch) == room;
    }

    /** The address of the first struct mmsghdr, for recvmmsg with up to {@link #messageCount()} of them. */
    long messages() {
        return messages;
    }

    int messageCount() {
        return messageCount;
    }

    /** Whether every datagram of the last call is in a batch: the next needs a call. */
    boolean drained() {
        return next >= received;
    }

    /** Takes the {@code count} messages a recvmmsg call filled. */
    void received(int count) {
        received = count;
        next = 0;
        nextOffset = 0;
    }

    /**
     * Copies received datagrams into the batch's slots at its headroom, each with its sender, as many as fit, and
     * sets the batch's size. A datagram longer than the batch's room is dropped: cut short (MSG_TRUNC), it could
     * only fail to open. Returns how many the batch holds.
     */
    int moveInto(PacketBatch batch, SenderAddressCache senders) {
        int kept = 0;
        while (next < received && kept < batch.capacity()) {
            int header = next * HEADER_SIZE;
            if ((MessageLayout.flags(memory, header) & SocketCalls.MSG_TRUNC) == 0) {
                kept = moveSegments(batch, kept, senders);
                if (kept == batch.capacity() && nextOffset < MessageLayout.datagramLength(memory, header)) {
                    break; // the rest of this run waits for the next batch
                }
            }
            MessageLayout.setNameAndControlLengths(memory, header, SocketAddresses.ROOM, SEGMENT_CONTROL_SPACE);
            next++;
            nextOffset = 0;
        }
        batch.setSize(kept);
        return kept;
    }

    /** Moves the datagrams of message {@link #next} from {@link #nextOffset} on into the batch from slot {@code kept}. */
    private int moveSegments(PacketBatch batch, int kept, SenderAddressCache senders) {
        int header = next * HEADER_SIZE;
        int length = MessageLayout.datagramLength(memory, header);
        int segmentSize = MessageLayout.receivedSegmentSize(memory, header, controls + next * SEGMENT_CONTROL_SPACE);
        if (segmentSize <= 0) {
            segmentSize = length;
        }
        InetSocketAddress sender = senders.lookup(memory, sockaddrs + next * SocketAddresses.ROOM);
        int payload = payloads + next * payloadStride;
        do {
            int segment = Math.min(segmentSize, length - nextOffset);
            if (segment <= room) {
                memory.get(payload + nextOffset, batch.buffer(kept), batch.headroom(), segment);
                batch.set(kept, batch.headroom(), segment, sender);
                kept++;
            }
            nextOffset += segment;
        } while (nextOffset < length && kept < batch.capacity());
        return kept;
    }
}
