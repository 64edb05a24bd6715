package io.netproxy.engine.tunnel;

import io.netproxy.engine.protocol.Ipv6Settings;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv6 addresses as two longs, prefix parsing and the few header fields the data path reads. */
final class Ipv6 {
    static final int HEADER_LENGTH = 40;
    private static final int SOURCE = 8;
    private static final int DESTINATION = 24;

    private Ipv6() {}

    /** An IPv6 literal such as {@code 2001:db8::1}, never looked up as a name. */
    static byte[] parse(String literal) {
        String text = literal.trim();
        // only what a literal holds: InetAddress would otherwise look a name up, or take a zone or an IPv4 address
        if (!text.contains(":") || !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 128)) {
            throw new IllegalArgumentException("not an IPv6 address: " + literal);
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            if (address instanceof Inet6Address) return address.getAddress();
        } catch (UnknownHostException e) {
            // not a valid literal
        }
        throw new IllegalArgumentException("not an IPv6 address: " + literal);
    }

    /** A network in CIDR text ({@code 2001:db8::/32}, host bits clear), never looked up as a name. */
    static Ipv6Settings.Network network(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not an IPv6 network: " + cidr);
        return new Ipv6Settings.Network(parse(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
    }

    static String format(byte[] address) {
        return Ipv6Settings.format(address);
    }

    /** The bytes of the address whose high and low 64 bits these are. */
    static byte[] bytes(long high, long low) {
        byte[] address = new byte[16];
        for (int i = 0; i < 8; i++) {
            address[i] = (byte) (high >>> (56 - 8 * i));
            address[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return address;
    }

    static long readLong(byte[] buf, int off) {
        long value = 0;
        for (int i = 0; i < 8; i++) value = value << 8 | buf[off + i] & 0xFF;
        return value;
    }

    /** Length of a complete IPv6 packet at {@code off}, or -1 when the bytes are not one. */
    static int packetLength(byte[] buf, int off, int available) {
        if (available < HEADER_LENGTH || (buf[off] & 0xF0) != 0x60) return -1;
        int total = HEADER_LENGTH + ((buf[off + 4] & 0xFF) << 8 | buf[off + 5] & 0xFF);
        return total <= available ? total : -1;
    }

    static long sourceHigh(byte[] buf, int off) { return readLong(buf, off + SOURCE); }

    static long sourceLow(byte[] buf, int off) { return readLong(buf, off + SOURCE + 8); }

    static long destinationHigh(byte[] buf, int off) { return readLong(buf, off + DESTINATION); }

    static long destinationLow(byte[] buf, int off) { return readLong(buf, off + DESTINATION + 8); }

    /** Whether the packet at {@code off} is IPv6 for a link-local (fe80::/10) or a multicast (ff00::/8) address. */
    static boolean linkLocalOrMulticast(byte[] buf, int off) {
        if ((buf[off] & 0xF0) != 0x60) return false;
        int first = buf[off + DESTINATION] & 0xFF;
        return first == 0xFF || first == 0xFE && (buf[off + DESTINATION + 1] & 0xC0) == 0x80;
    }

    /**
     * A tunnel prefix of length 64 to 120, written without host bits ({@code 2001:db8:7e::/64}): its upper 64 bits
     * are all network, so a member differs from it in the low 64 bits only.
     */
    record Prefix(long high, long low, int length) {
        static final int MIN_LENGTH = 64;
        static final int MAX_LENGTH = 120;

        static Prefix parse(String text) {
            int slash = text.indexOf('/');
            String digits = slash < 0 ? "" : text.substring(slash + 1);
            if (!digits.matches("[0-9]{1,3}")) throw new IllegalArgumentException("not an IPv6 prefix (such as 2001:db8:7e::/64): " + text);
            int length = Integer.parseInt(digits);
            if (length < MIN_LENGTH || length > MAX_LENGTH) {
                throw new IllegalArgumentException("an IPv6 pool's prefix length must be " + MIN_LENGTH + " to " + MAX_LENGTH + ": " + text);
            }
            byte[] address = Ipv6.parse(text.substring(0, slash));
            long high = readLong(address, 0);
            long low = readLong(address, 8);
            if ((low & ~networkMask(length)) != 0) {
                throw new IllegalArgumentException("an IPv6 pool is written without host bits (such as 2001:db8:7e::/64): "
                        + text + "; each address in it follows an IPv4 one of the pool");
            }
            return new Prefix(high, low, length);
        }

        /** The low 64 bits' network part. */
        private static long networkMask(int length) {
            return length == 64 ? 0 : -1L << (128 - length);
        }

        /** Addresses the prefix holds: 2^(128 - length), or Long.MAX_VALUE when that does not fit. */
        long size() {
            return 128 - length >= 63 ? Long.MAX_VALUE : 1L << (128 - length);
        }

        /** The host offset of {@code high:low} in the prefix, or -1 when the address is outside it. */
        long offset(long high, long low) {
            if (high != this.high || (low & networkMask(length)) != this.low) return -1;
            return low - this.low;
        }

        byte[] address(long offset) {
            return bytes(high, low + offset);
        }

        @Override
        public String toString() {
            return format(bytes(high, low)) + "/" + length;
        }
    }
}
