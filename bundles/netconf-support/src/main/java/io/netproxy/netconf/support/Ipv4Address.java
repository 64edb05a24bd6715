package io.netproxy.netconf.support;

import java.util.Optional;

/** An IPv4 address parsed from strict dotted-quad text (no leading zeros, which some tools read as octal). */
public record Ipv4Address(int bits) {

    static Ipv4Address parse(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " is missing");
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                what + " '" + text + "' is not an IPv4 address (expected four numbers 0-255 like 192.0.2.1)"));
    }

    static Optional<Ipv4Address> tryParse(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) return Optional.empty();
        int bits = 0;
        for (String octet : octets) {
            if (!octet.matches("0|[1-9][0-9]{0,2}")) return Optional.empty();
            int value = Integer.parseInt(octet);
            if (value > 255) return Optional.empty();
            bits = bits << 8 | value;
        }
        return Optional.of(new Ipv4Address(bits));
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
    }
}
