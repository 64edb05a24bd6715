package io.netproxy.engine.protocol;

import java.util.Arrays;

/**
 * An IPv4 prefix the server pushes to the client.
 *
 * @param address 4 bytes, network order
 * @param prefixLength 0..32
 */
public record Route(byte[] address, int prefixLength) {
    public Route {
        if (address == null || address.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes");
        }
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("an IPv4 prefix length is 0..32");
        }
        address = address.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Route that && prefixLength == that.prefixLength && Arrays.equals(address, that.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefixLength;
    }

    @Override
    public String toString() {
        return ResponsePayload.format(address) + "/" + prefixLength;
    }
}
