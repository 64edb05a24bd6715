package io.netproxy.engine.tunnel;

import java.net.InetSocketAddress;

/**
 * Where a peer was last heard: its address, on the carrier the packet came in on. Packets to the peer go back the
 * same way, so a client that roams from UDP to TCP (or back) is answered on the transport it now uses.
 */
record PeerAddress(Carrier carrier, InetSocketAddress address) {
    boolean is(Carrier other, InetSocketAddress from) {
        return carrier == other && address.equals(from);
    }

    /** {@code 198.51.100.7:40123 (udp)} */
    @Override
    public String toString() {
        return Tunnel.format(address) + " (" + carrier.transport().name() + ")";
    }
}
