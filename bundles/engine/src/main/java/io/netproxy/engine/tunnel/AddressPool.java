package io.netproxy.engine.tunnel;

import java.util.HashMap;
import java.util.Map;

/**
 * Tunnel addresses for clients. The server takes the address the pool was written with when it has
 * host bits ({@code 10.67.0.254/24}), otherwise the first host address; each client id
 * keeps its lease while connected and gets the same address back when it reconnects before the lease
 * is released.
 *
 * <p>With an IPv6 prefix each IPv4 address has an IPv6 twin, the prefix plus the IPv4 address's host part, so one
 * lease gives a client both and the data path finds a client by either through the same slot.
 */
final class AddressPool {
    private final Ipv4.Cidr cidr;
    /** The IPv6 prefix, or null for IPv4 only. */
    private final Ipv6.Prefix prefix6;
    private final int serverAddress;
    private final int first;
    private final int last;
    private final Map<ClientKey, Integer> leases = new HashMap<>();
    private final boolean[] used;
    private int next;

    /** @param pool {@code a.b.c.d/n}; host bits, when present, name the server's own address */
    AddressPool(String pool) {
        this(pool, null);
    }

    /** @param pool6 an IPv6 prefix without host bits that holds as many addresses as {@code pool}, or null */
    AddressPool(String pool, String pool6) {
        Ipv4.Cidr cidr = Ipv4.Cidr.parse(pool);
        if (cidr.prefixLength() < 16 || cidr.prefixLength() > 30) {
            throw new IllegalArgumentException("address pool must be between /16 and /30: " + pool);
        }
        int written = Ipv4.parse(pool.substring(0, pool.indexOf('/')));
        this.cidr = cidr;
        this.first = cidr.network() + 1;
        this.last = cidr.network() + cidr.size() - 2;
        this.serverAddress = written == cidr.network() ? first : written;
        if (serverAddress == cidr.network() + cidr.size() - 1) {
            throw new IllegalArgumentException("the server address cannot be the broadcast address: " + pool);
        }
        this.prefix6 = pool6 == null ? null : Ipv6.Prefix.parse(pool6);
        if (prefix6 != null && prefix6.size() < cidr.size()) {
            throw new IllegalArgumentException("the IPv6 pool " + pool6 + " holds fewer addresses than the pool " + pool
                    + "; give it a prefix length of at most " + (128 - (32 - cidr.prefixLength())));
        }
        this.used = new boolean[cidr.size()];
        used[slot(serverAddress)] = true;
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

    /** The IPv6 prefix, or null when the pool is IPv4 only. */
    Ipv6.Prefix prefix6() { return prefix6; }

    /** The IPv6 twin of a pool address; only with an IPv6 prefix. */
    byte[] ipv6(int address) {
        return prefix6.address(address - cidr.network());
    }

    /** Slot of an IPv6 address inside the pool, or -1 when it is outside (or the pool is IPv4 only). */
    int slot6(long high, long low) {
        if (prefix6 == null) return -1;
        long offset = prefix6.offset(high, low);
        return offset >= 0 && offset < used.length ? (int) offset : -1;
    }

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

    /** Identifies a client: its static public key (in password mode a random one of its own), in base64. */
    record ClientKey(String publicKey) {}
}
