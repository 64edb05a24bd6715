package io.netproxy.transport.tcp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections a server holds, in all and per source address, against its {@link Limits}: one count for the
 * listeners a transport opened beside each other (a server's lanes, or a replacement and the endpoint it replaces),
 * so that a source cannot hold more connections by landing on several of them.
 */
final class Admission {
    private final Limits limits;
    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    private int total;

    Admission(Limits limits) {
        this.limits = limits;
    }

    /** Counts a connection from {@code source} in, or says which limit refuses it. */
    synchronized String admit(InetAddress source) {
        if (total >= limits.total()) return total + " connections open, the most allowed";
        int held = perSource.getOrDefault(source, 0);
        if (held >= limits.perSource()) return held + " connections from that address, the most allowed";
        perSource.put(source, held + 1);
        total++;
        return null;
    }

    /** Counts a connection admitted from {@code source} out. */
    synchronized void release(InetAddress source) {
        Integer held = perSource.get(source);
        if (held == null) return;
        if (held > 1) perSource.put(source, held - 1);
        else perSource.remove(source);
        total--;
    }
}
