package io.netproxy.netconf.support;

import java.io.IOException;

/** A configurator's own part of a server plan: forwarding, NAT and MSS rules for the tunnel, in its own tool. */
@FunctionalInterface
public interface ServerFirewall {
    /**
     * Journals and applies, through {@link JournaledPlan#make}, the rules that accept forwarding to and from the
     * TUN device, masquerade the tunnel subnet out of {@code egress} and clamp TCP MSS to the path MTU.
     */
    void apply(ValidatedPlan plan, String egress, JournaledPlan applied) throws IOException;
}
