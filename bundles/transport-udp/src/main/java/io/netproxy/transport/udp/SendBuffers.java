package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.MessageLayout.HEADER_SIZE;
import static io.netproxy.transport.udp.MessageLayout.IOVEC_SIZE;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Native memory for one sendmmsg call, filled by one sending thread at a time: a header, an iovec and a sockaddr
 * per datagram, and the datagrams' bytes one after the other. It grows to the largest batch it has been given.
 */
final class SendBuffers {
    private final boolean connected;
    private final DestinationCache destinations;

    private ByteBuffer memory;
    private long base;
    private int capacity;
    private int iovecs;
    private int sockaddrs;
    private int payloads;
    private int payloadRoom;

    private int count;
    private int payloadUsed;

    /** On a connected socket the kernel knows the peer: datagrams carry no address. */
    SendBuffers(int family, boolean connected) {
        this.connected = connected;
        this.destinations = new DestinationCache(family);
    }

    /** Empties the buffers and makes room for {@code datagrams} datagrams of {@code bytes} bytes in all. */
    void reset(int datagrams, int bytes) {
        if (datagrams > capacity || bytes > payloadRoom) {
            allocate(Math.max(datagrams, capacity), bytes > payloadRoom ? Math.max(bytes, 2 * payloadRoom) : payloadRoom);
        }
        count = 0;
        payloadUsed = 0;
    }

    private void allocate(int datagrams, int bytes) {
        capacity = datagrams;
        payloadRoom = bytes;
        iovecs = capacity * HEADER_SIZE;
        sockaddrs = iovecs + capacity * IOVEC_SIZE;
        payloads = sockaddrs + capacity * SocketAddresses.ROOM;
        memory = MessageLayout.allocate(payloads + payloadRoom);
        base = MessageLayout.addressOf(memory);
    }

    /** Adds one datagram; {@link #reset} made room for it. */
    void add(byte[] buf, int off, int len, InetSocketAddress to) {
        int iovec = iovecs + count * IOVEC_SIZE;
        int payload = payloads + payloadUsed;
        memory.put(payload, buf, off, len);
        MessageLayout.writeIovec(memory, iovec, base + payload, len);
        if (connected) {
            MessageLayout.writeHeader(memory, count * HEADER_SIZE, 0, 0, base + iovec);
        } else {
            int sockaddr = sockaddrs + count * SocketAddresses.ROOM;
            byte[] encoded = destinations.sockaddr(to);
            memory.put(sockaddr, encoded);
            MessageLayout.writeHeader(memory, count * HEADER_SIZE, base + sockaddr, encoded.length, base + iovec);
        }
        payloadUsed += len;
        count++;
    }

    int count() {
        return count;
    }

    /** The address of the header of datagram {@code index}, for sendmmsg from there on. */
    long messages(int index) {
        return base + (long) index * HEADER_SIZE;
    }
}
