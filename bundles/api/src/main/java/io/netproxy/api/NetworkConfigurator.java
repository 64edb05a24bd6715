package io.netproxy.api;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Applies the host network changes a tunnel needs (forwarding, NAT, firewall, routes) and reverts them.
 * Registered with {@code netproxy.netconf=<name()>}.
 *
 * <p>An implementation only touches what it creates (its own chains or table), applies rule sets
 * atomically, and journals what it applied on disk before applying it, so that {@link #recover()} can
 * revert what a killed process left behind.
 */
@ConsumerType
public interface NetworkConfigurator {
    String PROPERTY = "netproxy.netconf";

    String name();

    /**
     * Applies the plan. On failure everything already applied is reverted before the exception is thrown.
     *
     * @return a handle whose {@link AppliedNetworkPlan#close()} reverts exactly what was applied
     * @throws IOException with a message naming the tool to install or the privilege missing
     */
    AppliedNetworkPlan apply(NetworkPlan plan) throws IOException;

    /**
     * Reverts what earlier runs journaled and did not revert (a crash or {@code kill -9}). Every instance calls it
     * when it starts, so it leaves kill switches in place: a client's kill switch is to outlive the client's process
     * until {@link #cleanup()} or the tunnel's next kill switch replaces it.
     *
     * @return a description of each reverted change, empty when there was nothing to do
     */
    java.util.List<String> recover() throws IOException;

    /**
     * Makes the host drop what would leave it outside the tunnel (see {@link KillSwitch}), journaled like a plan, so
     * that it stays after the client's process dies. A kill switch left by an earlier run of the same tunnel is
     * replaced. A configurator that cannot do it keeps this default, which refuses.
     *
     * @return a handle whose {@link AppliedNetworkPlan#close()} lifts the kill switch
     * @throws IOException naming the tool to install or the privilege missing, or that this configurator has none
     * @since 1.1
     */
    default AppliedNetworkPlan applyKillSwitch(KillSwitch killSwitch) throws IOException {
        throw new IOException("the network configurator " + name() + " has no kill switch; use one that has "
                + "(iptables, nftables)");
    }

    /**
     * What {@code netproxy cleanup} does: {@link #recover()}, and also lifts the kill switches of clients that no
     * longer run.
     *
     * @since 1.1
     */
    default java.util.List<String> cleanup() throws IOException {
        return recover();
    }

    /**
     * Whether {@link #apply} takes plans that {@linkplain NetworkPlan#carriesIpv6() carry IPv6} inside the tunnel, whose
     * {@code dns} may then name IPv6 servers too. A configurator that keeps this default gets IPv4-only plans: a server
     * refuses to start with an IPv6 pool on it, and a client leaves out the IPv6 settings its server sends.
     *
     * @since 1.1
     */
    default boolean supportsIpv6Inside() {
        return false;
    }

    /**
     * Whether {@link #apply} and {@link #applyKillSwitch} treat a client's {@linkplain
     * NetworkPlan#otherServerAddresses() other server addresses} and {@linkplain KillSwitch#serverAddresses() every
     * server address of a kill switch} as they treat the first. A client moves to its server's address of the other
     * family (when the network stops carrying the first's) only on a configurator that does; with this default it
     * stays on the first.
     *
     * @since 1.1
     */
    default boolean supportsOtherServerAddresses() {
        return false;
    }
}
