package io.netproxy.api;

import java.net.InetSocketAddress;

/**
 * A reusable batch of packet buffers, filled by a read or receive call and drained by a write or send call.
 *
 * <p>Each slot owns one heap buffer of {@link #bufferSize()} bytes. A packet sits in
 * {@code buffer(i)[offset(i) .. offset(i)+length(i))}; the bytes before {@link #headroom()} are free for a
 * caller that wants to prepend a header in place, and the room after the packet for an appended tag.
 * A batch is used by one thread at a time and allocates nothing after construction.
 */
public final class PacketBatch {
    private final byte[][] buffers;
    private final int[] offsets;
    private final int[] lengths;
    private final InetSocketAddress[] addresses;
    private final int bufferSize;
    private final int headroom;
    private int size;

    /**
     * @param capacity   number of slots
     * @param bufferSize bytes per slot, headroom included
     * @param headroom   bytes kept free in front of each packet that readers place
     */
    public PacketBatch(int capacity, int bufferSize, int headroom) {
        if (capacity < 1 || headroom < 0 || bufferSize <= headroom) {
            throw new IllegalArgumentException("capacity " + capacity + ", bufferSize " + bufferSize + ", headroom " + headroom);
        }
        this.buffers = new byte[capacity][bufferSize];
        this.offsets = new int[capacity];
        this.lengths = new int[capacity];
        this.addresses = new InetSocketAddress[capacity];
        this.bufferSize = bufferSize;
        this.headroom = headroom;
    }

    public int capacity() { return buffers.length; }
    public int bufferSize() { return bufferSize; }
    public int headroom() { return headroom; }

    /** Number of slots that hold a packet. */
    public int size() { return size; }

    public void setSize(int size) {
        if (size < 0 || size > buffers.length) throw new IllegalArgumentException("size " + size);
        this.size = size;
    }

    public void clear() { size = 0; }

    public byte[] buffer(int slot) { return buffers[slot]; }
    public int offset(int slot) { return offsets[slot]; }
    public int length(int slot) { return lengths[slot]; }

    /** The remote address a datagram came from or goes to; null for TUN packets. */
    public InetSocketAddress address(int slot) { return addresses[slot]; }

    public void set(int slot, int offset, int length, InetSocketAddress address) {
        if (offset < 0 || length < 0 || offset + length > bufferSize) {
            throw new IllegalArgumentException("offset " + offset + " length " + length + " exceeds " + bufferSize);
        }
        offsets[slot] = offset;
        lengths[slot] = length;
        addresses[slot] = address;
    }
}
