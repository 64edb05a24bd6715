package io.netproxy.tun.linux;

/** The RFC 1071 one's-complement checksum of IPv4 headers and ICMP messages. */
final class InternetChecksum {
    private InternetChecksum() {
    }

    /** The checksum of {@code buf[off .. off+len)}; over data that holds a correct checksum it is 0. */
    static int of(byte[] buf, int off, int len) {
        long sum = 0;
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) {
            sum += ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (buf[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }
}
