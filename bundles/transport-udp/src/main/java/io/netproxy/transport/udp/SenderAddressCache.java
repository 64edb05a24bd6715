package io.netproxy.transport.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The receiving thread's {@link InetSocketAddress} for each recent sender, keyed by the raw sockaddr the kernel
 * wrote, so that a steady stream allocates nothing per datagram. Direct-mapped and bounded: a server with more
 * active clients than entries only pays an allocation when two of them collide.
 */
final class SenderAddressCache {
    private static final int ENTRIES = 256;
    private static final int INDEX_SHIFT = Long.SIZE - Integer.numberOfTrailingZeros(ENTRIES);

    /** Three words per entry: the sockaddr's family, port, address and scope id. */
    private final long[] keys = new long[3 * ENTRIES];
    private final InetSocketAddress[] addresses = new InetSocketAddress[ENTRIES];

    /** The address of the sockaddr at {@code at} in {@code memory} (host byte order). */
    InetSocketAddress lookup(ByteBuffer memory, int at) {
        long first;
        long second;
        long third;
        if (memory.getShort(at) == SocketCalls.AF_INET) {
            first = memory.getLong(at); // family, port and address; the rest of a sockaddr_in is padding
            second = 0;
            third = 0;
        } else {
            // family and port, then the scope id; the flow label is no part of an InetSocketAddress
            first = (memory.getInt(at) & 0xffff_ffffL) | (long) memory.getInt(at + 24) << 32;
            second = memory.getLong(at + 8);
            third = memory.getLong(at + 16);
        }
        int entry = (int) (((first * 31 + second) * 31 + third) * 0x9e37_79b9_7f4a_7c15L >>> INDEX_SHIFT);
        int key = 3 * entry;
        InetSocketAddress address = addresses[entry];
        if (address == null || keys[key] != first || keys[key + 1] != second || keys[key + 2] != third) {
            address = SocketAddresses.decode(memory, at);
            addresses[entry] = address;
            keys[key] = first;
            keys[key + 1] = second;
            keys[key + 2] = third;
        }
        return address;
    }
}
