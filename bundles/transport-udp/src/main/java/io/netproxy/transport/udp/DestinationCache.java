package io.netproxy.transport.udp;

import java.net.InetSocketAddress;

/**
 * A sending thread's encoded sockaddr for each recent destination. Keyed by identity: the engine keeps one address
 * object per peer (the one the receiving side handed it), and encoding one anew allocates. Direct-mapped and
 * bounded; a collision only costs an encoding.
 */
final class DestinationCache {
    private static final int ENTRIES = 64;

    private final int family;
    private final InetSocketAddress[] destinations = new InetSocketAddress[ENTRIES];
    private final byte[][] sockaddrs = new byte[ENTRIES][];

    DestinationCache(int family) {
        this.family = family;
    }

    byte[] sockaddr(InetSocketAddress destination) {
        int entry = System.identityHashCode(destination) & (ENTRIES - 1);
        if (destinations[entry] != destination) {
            sockaddrs[entry] = SocketAddresses.encode(destination, family);
            destinations[entry] = destination;
        }
        return sockaddrs[entry];
    }
}
