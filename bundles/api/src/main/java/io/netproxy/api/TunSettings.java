package io.netproxy.api;

import java.util.List;
import java.util.Objects;

/**
 * What a TUN device should look like.
 *
 * @param name      interface name (at most 15 bytes); a {@code %d} in it lets the kernel pick a number
 * @param mtu       MTU of the device
 * @param addresses addresses in CIDR notation, e.g. {@code 10.67.0.1/24}
 * @param persist   keep the device when it is closed (TUNSETPERSIST), so its routes outlive a backend swap
 */
public record TunSettings(String name, int mtu, List<String> addresses, boolean persist) {
    public TunSettings {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 15) throw new IllegalArgumentException("TUN name must be 1..15 characters: " + name);
        if (mtu < 576 || mtu > 65535) throw new IllegalArgumentException("TUN MTU out of range 576..65535: " + mtu);
        addresses = List.copyOf(addresses);
    }
}
