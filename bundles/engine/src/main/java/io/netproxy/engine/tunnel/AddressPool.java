package io.netproxy.engine.tunnel;

import java.util.HashMap;
import java.util.Map;

/**
 * Tunnel addresses for clients. The server takes the first host address of the pool; each client id
 * keeps its lease while connected and gets the same address back when it reconnects before the lease
 * is released.
 */
final class AddressPool {
    private final Ipv4.Cidr cidr;
    private final int serverAddress;
    private final int first;
    private final int last;
    private final Map<ClientKey, Integer> leases = new HashMap<>();
    private final boolean[] used;
    private int next;

    AddressPool(Ipv4.Cidr cidr) {
        if (cidr.prefixLength() < 16 || cidr.prefixLength() > 30) {
            throw new IllegalArgumentException("address pool must be between /16 and /30: " + cidr);
        }
        this.cidr = cidr;
        this.serverAddress = cidr.network() + 1;
        this.first = cidr.network() + 2;
        this.last = cidr.network() + cidr.size() - 2;
        this.used = new boolean[cidr.size()];
        this.next = first;
    }

    Ipv4.Cidr cidr() { return cidr; }

    int serverAddress() { return serverAddress; }

    /** Slot of an address inside the pool, or -1 when it is outside. */
    int slot(int address) {
        int offset = address - cidr.network();
        return offset >= 0 && offset < used.length ? offset : -1;
    }

    int size() { return used.length; }

    /** The client's existing lease or a new one. */
    synchronized int lease(ClientKey client) {
        Integer existing = leases.get(client);
        if (existing != null) return existing;
        for (int tries = 0; tries <= last - first; tries++) {
            int candidate = next;
            next = next == last ? first : next + 1;
            if (!used[slot(candidate)]) {
                used[slot(candidate)] = true;
                leases.put(client, candidate);
                return candidate;
            }
        }
        throw new IllegalStateException("address pool " + cidr + " is exhausted");
    }

    synchronized void release(ClientKey client) {
        Integer address = leases.remove(client);
        if (address != null) used[slot(address)] = false;
    }

    synchronized int leased() { return leases.size(); }

    /** Identifies a client: its static key and the random id it sends (password-mode clients share one key). */
    record ClientKey(String publicKey, String clientId) {}
}
