package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectedNetworksTest {

    @Test
    void onLinkRoutesOfOtherDevicesAreTheLocalNetworks() {
        String ipv4 = """
                default via 192.0.2.1 dev eth0 proto dhcp src 192.0.2.2 metric 100
                0.0.0.0/1 dev np0 proto 67 scope link
                192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
                198.51.100.7 via 192.0.2.1 dev eth0 proto 67
                198.18.0.9 dev eth1 scope link
                127.0.0.0/8 dev lo scope link
                broadcast 192.0.2.255 dev eth0 proto kernel scope link src 192.0.2.2
                """;
        assertEquals(List.of("192.0.2.0/24", "198.18.0.9/32"), ConnectedNetworks.parse(ipv4, "np0", false));
    }

    @Test
    void ipv6NetworksAreReadAsLiteralAddressesOnly() {
        String ipv6 = """
                2001:db8:2::/64 dev eth0 proto kernel metric 256 pref medium
                fe80::/64 dev eth0 proto kernel metric 256 pref medium
                fe80::/64 dev np0 proto kernel metric 256 pref medium
                default via 2001:db8:2::1 dev eth0 metric 1024 pref medium
                beef dev eth0 metric 1
                2001:db8:3::1 dev eth1 metric 1024 pref medium
                """;
        assertEquals(List.of("2001:db8:2:0:0:0:0:0/64", "fe80:0:0:0:0:0:0:0/64", "2001:db8:3:0:0:0:0:1/128"),
                ConnectedNetworks.parse(ipv6, "np0", true));
    }
}
