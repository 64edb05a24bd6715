package io.netproxy.api;

import java.util.List;
import java.util.Objects;

/** What a TUN device should look like. A class rather than a record, so that a later minor version can add to it. */
public final class TunSettings {
    private final String name;
    private final int mtu;
    private final List<String> addresses;
    private final boolean persist;

    /**
     * @param name      interface name (at most 15 bytes); a {@code %d} in it lets the kernel pick a number
     * @param mtu       MTU of the device
     * @param addresses addresses in CIDR notation, e.g. {@code 10.67.0.1/24}
     * @param persist   keep the device when it is closed (TUNSETPERSIST), and re-attach to one of that name
     */
    public TunSettings(String name, int mtu, List<String> addresses, boolean persist) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 15) throw new IllegalArgumentException("TUN name must be 1..15 characters: " + name);
        if (mtu < 576 || mtu > 65535) throw new IllegalArgumentException("TUN MTU out of range 576..65535: " + mtu);
        this.name = name;
        this.mtu = mtu;
        this.addresses = List.copyOf(addresses);
        this.persist = persist;
    }

    public String name() { return name; }

    public int mtu() { return mtu; }

    public List<String> addresses() { return addresses; }

    public boolean persist() { return persist; }

    @Override
    public boolean equals(Object other) {
        return other instanceof TunSettings that && name.equals(that.name) && mtu == that.mtu
                && addresses.equals(that.addresses) && persist == that.persist;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mtu, addresses, persist);
    }

    @Override
    public String toString() {
        return "TunSettings[" + name + " mtu=" + mtu + " " + addresses + (persist ? " persistent" : "") + "]";
    }
}
