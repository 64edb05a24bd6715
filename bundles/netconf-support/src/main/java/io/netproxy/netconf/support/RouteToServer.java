package io.netproxy.netconf.support;

import java.util.List;

/**
 * Where the kernel sends packets for the server today, from {@code ip -4 route get}.
 *
 * @param local   the address is one of this host's own (or loopback), so there is nothing to pin
 * @param via     the gateway words ({@code [192.0.2.1]} or {@code [inet6, fe80::1]}), empty when on-link
 * @param device  the outgoing interface
 */
record RouteToServer(boolean local, List<String> via, String device) {
    RouteToServer {
        via = List.copyOf(via);
    }
}
