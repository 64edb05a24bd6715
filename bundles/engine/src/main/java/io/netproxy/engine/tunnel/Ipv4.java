package io.netproxy.engine.tunnel;

/** IPv4 addresses as ints, CIDR parsing and the few header fields the data path reads. */
final class Ipv4 {
    static final int HEADER_MIN = 20;

    private Ipv4() {}

    static int parse(String dotted) {
        String[] parts = dotted.trim().split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !asciiDigits(part)) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            value = value << 8 | octet;
        }
        return value;
    }

    /** Only 0-9: Character.isDigit and Integer.parseInt also take other scripts' digits, and parseInt a sign. */
    private static boolean asciiDigits(String text) {
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    static byte[] bytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    static int fromBytes(byte[] b) {
        if (b == null || b.length != 4) throw new IllegalArgumentException("an IPv4 address has 4 bytes");
        return readInt(b, 0);
    }

    static int readInt(byte[] buf, int off) {
        return (buf[off] & 0xFF) << 24 | (buf[off + 1] & 0xFF) << 16 | (buf[off + 2] & 0xFF) << 8 | buf[off + 3] & 0xFF;
    }

    /** A parsed {@code a.b.c.d/n}; the address is normalised to the network. */
    record Cidr(int network, int prefixLength) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) throw new IllegalArgumentException("not a CIDR (a.b.c.d/n): " + text);
            String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 9 || !asciiDigits(digits)) {
                throw new IllegalArgumentException("not a CIDR (a.b.c.d/n): " + text);
            }
            int prefix = Integer.parseInt(digits);
            if (prefix < 0 || prefix > 32) throw new IllegalArgumentException("prefix length out of 0..32: " + text);
            return new Cidr(Ipv4.parse(text.substring(0, slash)) & mask(prefix), prefix);
        }

        static int mask(int prefixLength) {
            return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        }

        int size() { return prefixLength == 0 ? Integer.MAX_VALUE : 1 << (32 - prefixLength); }

        boolean contains(int address) { return (address & mask(prefixLength)) == network; }

        @Override
        public String toString() { return format(network) + "/" + prefixLength; }
    }

    /** Length of a complete IPv4 packet at {@code off}, or -1 when the bytes are not one. */
    static int packetLength(byte[] buf, int off, int available) {
        if (available < HEADER_MIN) return -1;
        int versionAndIhl = buf[off] & 0xFF;
        if (versionAndIhl >>> 4 != 4) return -1;
        int headerLength = (versionAndIhl & 0x0F) * 4;
        int total = (buf[off + 2] & 0xFF) << 8 | buf[off + 3] & 0xFF;
        if (headerLength < HEADER_MIN || total < headerLength || total > available) return -1;
        return total;
    }

    static int source(byte[] buf, int off) { return readInt(buf, off + 12); }

    static int destination(byte[] buf, int off) { return readInt(buf, off + 16); }
}
