package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.MessageLayout.HEADER_SIZE;
import static io.netproxy.transport.udp.MessageLayout.IOVEC_SIZE;
import static io.netproxy.transport.udp.MessageLayout.SEGMENT_CONTROL_SPACE;

import io.netproxy.api.PacketBatch;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Native memory for one sendmmsg call, filled by one sending thread at a time: per message a header, an iovec, a
 * sockaddr and room for a UDP_SEGMENT control message, and the datagrams' bytes one after the other. Consecutive
 * datagrams to one destination can share a message that the kernel splits into datagrams (UDP GSO), which costs one
 * trip through the network stack instead of one each. It grows to the largest batch it has been given.
 */
final class SendBuffers {
    /** Linux's UDP_MAX_SEGMENTS (raised to 128 by later kernels). */
    static final int MAX_SEGMENTS = 64;
    /** A segmented message is one IP packet up to the stack's segmentation: 64 KiB less IPv6 and UDP headers. */
    private static final int MAX_SEGMENTED_BYTES = 65_535 - 40 - 8;

    private final boolean connected;
    private final DestinationCache destinations;

    private ByteBuffer memory;
    private long base;
    private int capacity;
    private int iovecs;
    private int controls;
    private int sockaddrs;
    private int payloads;
    private int payloadRoom;
    /** Per message, the batch slot of its first datagram and how many datagrams it carries. */
    private int[] firstSlots = new int[0];
    private int[] datagramCounts = new int[0];

    private int count;
    private int payloadUsed;

    /** On a connected socket the kernel knows the peer: datagrams carry no address. */
    SendBuffers(int family, boolean connected) {
        this.connected = connected;
        this.destinations = new DestinationCache(family);
    }

    /**
     * Fills the buffers with the batch's datagrams from {@code fromSlot} on. Up to {@code maxSegments} datagrams
     * to one destination share a message when all have the length of the first, but for a shorter last one.
     */
    void fill(PacketBatch batch, int fromSlot, int maxSegments) {
        int bytes = 0;
        for (int slot = fromSlot; slot < batch.size(); slot++) {
            bytes += batch.length(slot);
        }
        reset(batch.size() - fromSlot, bytes);
        int slot = fromSlot;
        while (slot < batch.size()) {
            slot = addMessage(batch, slot, maxSegments);
        }
    }

    /** Fills the buffers with one datagram. */
    void fill(byte[] buf, int off, int len, InetSocketAddress to) {
        reset(1, len);
        int start = copy(buf, off, len);
        writeMessage(start, len, connected ? null : destinations.sockaddr(to), 0, 0, 1);
    }

    /** Adds the message that starts at {@code first}; returns the slot after its last datagram. */
    private int addMessage(PacketBatch batch, int first, int maxSegments) {
        int segmentSize = batch.length(first);
        byte[] sockaddr = connected ? null : destinations.sockaddr(batch.address(first));
        int start = copy(batch.buffer(first), batch.offset(first), segmentSize);
        int total = segmentSize;
        int next = first + 1;
        while (next < batch.size() && next - first < maxSegments && segmentSize > 0) {
            int length = batch.length(next);
            if (length > segmentSize || total + length > MAX_SEGMENTED_BYTES
                    || !(connected || Arrays.equals(sockaddr, destinations.sockaddr(batch.address(next))))) {
                break;
            }
            copy(batch.buffer(next), batch.offset(next), length);
            total += length;
            next++;
            if (length < segmentSize) {
                break; // only the last segment may be shorter
            }
        }
        writeMessage(start, total, sockaddr, next - first > 1 ? segmentSize : 0, first, next - first);
        return next;
    }

    private void reset(int messages, int bytes) {
        if (messages > capacity || bytes > payloadRoom) {
            allocate(Math.max(messages, capacity), bytes > payloadRoom ? Math.max(bytes, 2 * payloadRoom) : payloadRoom);
        }
        count = 0;
        payloadUsed = 0;
    }

    private void allocate(int messages, int bytes) {
        capacity = messages;
        payloadRoom = bytes;
        iovecs = capacity * HEADER_SIZE;
        controls = iovecs + capacity * IOVEC_SIZE;
        sockaddrs = controls + capacity * SEGMENT_CONTROL_SPACE;
        payloads = sockaddrs + capacity * SocketAddresses.ROOM;
        memory = MessageLayout.allocate(payloads + payloadRoom);
        base = MessageLayout.addressOf(memory);
        firstSlots = new int[capacity];
        datagramCounts = new int[capacity];
    }

    /** Appends bytes to the payload; returns where they start. */
    private int copy(byte[] buf, int off, int len) {
        int start = payloadUsed;
        memory.put(payloads + start, buf, off, len);
        payloadUsed += len;
        return start;
    }

    /** {@code segmentSize} 0: one datagram, which the kernel does not split. */
    private void writeMessage(int payloadStart, int length, byte[] sockaddr, int segmentSize, int firstSlot,
            int datagrams) {
        int iovec = iovecs + count * IOVEC_SIZE;
        MessageLayout.writeIovec(memory, iovec, base + payloads + payloadStart, length);
        long name = 0;
        int nameLength = 0;
        if (sockaddr != null) {
            int at = sockaddrs + count * SocketAddresses.ROOM;
            memory.put(at, sockaddr);
            name = base + at;
            nameLength = sockaddr.length;
        }
        long control = 0;
        int controlLength = 0;
        if (segmentSize > 0) {
            int at = controls + count * SEGMENT_CONTROL_SPACE;
            MessageLayout.writeSegmentSize(memory, at, segmentSize);
            control = base + at;
            controlLength = SEGMENT_CONTROL_SPACE;
        }
        MessageLayout.writeHeader(memory, count * HEADER_SIZE, name, nameLength, base + iovec, control, controlLength);
        firstSlots[count] = firstSlot;
        datagramCounts[count] = datagrams;
        count++;
    }

    /** Messages filled. */
    int count() {
        return count;
    }

    /** The address of the header of message {@code index}, for sendmmsg from there on. */
    long messages(int index) {
        return base + (long) index * HEADER_SIZE;
    }

    int firstSlot(int message) {
        return firstSlots[message];
    }

    int datagrams(int message) {
        return datagramCounts[message];
    }
}
