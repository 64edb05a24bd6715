package io.netproxy.netconf.iptables;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The iptables chains of one tunnel. They are per tunnel because declaring a chain in
 * {@code iptables-restore --noflush} input flushes an existing chain of that name; a hash keeps the name
 * within the 28 characters iptables allows whatever the tunnel id.
 */
record ChainNames(String forward, String nat, String mss, String killSwitch, String ipv6Block) {
    static final String PREFIX = "NETPROXY-";

    static ChainNames forTunnel(String tunnelId) {
        String base = PREFIX + shortHash(tunnelId);
        return new ChainNames(base + "-FWD", base + "-NAT", base + "-MSS", base + "-KS", base + "-V6");
    }

    private static String shortHash(String tunnelId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tunnelId.getBytes(UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
