package io.netproxy.engine.protocol;

import io.netproxy.api.NetworkPlan;
import java.util.List;

/**
 * What a responder sends beside its handshake response, in the control message of type 4 (PROTOCOL.md 7.1), which has
 * no room for them: its IPv6 settings and the DNS search domains it pushes.
 *
 * @param ipv6      null when the responder carries no IPv6
 * @param dnsSearch search domains as {@link NetworkPlan#checkSearchDomains} allows them; empty for none
 */
public record SupplementarySettings(Ipv6Settings ipv6, List<String> dnsSearch) {
    /** A responder that carries no IPv6 and pushes no search domains. */
    public static final SupplementarySettings NONE = new SupplementarySettings(null, List.of());

    public SupplementarySettings {
        dnsSearch = List.copyOf(NetworkPlan.checkSearchDomains(dnsSearch));
    }

    /** The same without DNS servers and search domains, for a client that keeps the host's DNS. */
    public SupplementarySettings withoutDns() {
        return new SupplementarySettings(ipv6 == null ? null : ipv6.withoutDns(), List.of());
    }

    /** The same without the IPv6 settings, for a client whose host cannot carry IPv6 inside the tunnel. */
    public SupplementarySettings withoutIpv6() {
        return new SupplementarySettings(null, dnsSearch);
    }
}
