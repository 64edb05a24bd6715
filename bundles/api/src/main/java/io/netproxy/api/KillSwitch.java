package io.netproxy.api;

import java.util.List;
import java.util.Objects;

/**
 * What a client's kill switch lets out of the host while it is in force: packets through the TUN device, packets to
 * the server's addresses (the tunnel's own underlay traffic; one of each family when its name has both, so that the
 * client can move between them without lifting the kill switch), loopback, DHCP and IPv6 neighbour discovery, and, when
 * {@link #allowLan()}, packets to the networks directly connected at the time it is applied. Everything else that
 * would leave the host, IPv4 and IPv6, locally sent or forwarded, is dropped.
 *
 * <p>A class rather than a record, so that a later minor version can add to it.
 *
 * @see NetworkConfigurator#applyKillSwitch(KillSwitch)
 * @since 1.1
 */
public final class KillSwitch {
    private final String tunnelId;
    private final String tunInterface;
    private final List<String> serverAddresses;
    private final boolean allowLan;

    /**
     * @param tunnelId      the tunnel's id, as in its {@link NetworkPlan}
     * @param tunInterface  the TUN device whose traffic passes
     * @param serverAddress the server's underlay IP address, whose traffic passes
     * @param allowLan      whether the directly connected networks stay reachable
     */
    public KillSwitch(String tunnelId, String tunInterface, String serverAddress, boolean allowLan) {
        this(tunnelId, tunInterface, List.of(Objects.requireNonNull(serverAddress, "serverAddress")), allowLan);
    }

    /**
     * A kill switch that lets traffic to each of the server's addresses through.
     *
     * @param serverAddresses the server's underlay IP addresses, at least one
     */
    public KillSwitch(String tunnelId, String tunInterface, List<String> serverAddresses, boolean allowLan) {
        this.tunnelId = Objects.requireNonNull(tunnelId, "tunnelId");
        this.tunInterface = Objects.requireNonNull(tunInterface, "tunInterface");
        this.serverAddresses = List.copyOf(serverAddresses);
        if (this.serverAddresses.isEmpty()) throw new IllegalArgumentException("no server address");
        this.allowLan = allowLan;
    }

    public String tunnelId() { return tunnelId; }

    public String tunInterface() { return tunInterface; }

    /** The first of {@link #serverAddresses()}. */
    public String serverAddress() { return serverAddresses.get(0); }

    /** The server's underlay addresses whose traffic passes. */
    public List<String> serverAddresses() { return serverAddresses; }

    public boolean allowLan() { return allowLan; }

    @Override
    public boolean equals(Object other) {
        return other instanceof KillSwitch that && tunnelId.equals(that.tunnelId) && tunInterface.equals(that.tunInterface)
                && serverAddresses.equals(that.serverAddresses) && allowLan == that.allowLan;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tunnelId, tunInterface, serverAddresses, allowLan);
    }

    @Override
    public String toString() {
        return "KillSwitch[" + tunnelId + " " + tunInterface + " server=" + String.join(",", serverAddresses) + " allowLan=" + allowLan + "]";
    }
}
