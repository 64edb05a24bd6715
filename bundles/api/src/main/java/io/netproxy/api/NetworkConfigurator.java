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
     * Reverts what earlier runs journaled and did not revert (a crash or {@code kill -9}).
     *
     * @return a description of each reverted change, empty when there was nothing to do
     */
    java.util.List<String> recover() throws IOException;
}
