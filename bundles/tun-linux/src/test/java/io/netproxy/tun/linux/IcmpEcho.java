package io.netproxy.tun.linux;

/** Turns an IPv4 ICMP echo request into its echo reply, in place. */
final class IcmpEcho {
    private static final int PROTOCOL_ICMP = 1;
    private static final int TYPE_ECHO_REPLY = 0;
    private static final int TYPE_ECHO_REQUEST = 8;

    private IcmpEcho() {
    }

    /** @return whether {@code buf[off .. off+len)} was an echo request and now is the reply */
    static boolean answerInPlace(byte[] buf, int off, int len) {
        if (len < 20 || (buf[off] & 0xf0) != 0x40) {
            return false;
        }
        int headerLength = (buf[off] & 0x0f) * 4;
        int totalLength = Math.min(len, ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff));
        int icmp = off + headerLength;
        if (headerLength < 20 || totalLength < headerLength + 8 || buf[off + 9] != PROTOCOL_ICMP
                || buf[icmp] != TYPE_ECHO_REQUEST || buf[icmp + 1] != 0) {
            return false;
        }
        swapAddresses(buf, off);
        buf[icmp] = TYPE_ECHO_REPLY;
        buf[icmp + 2] = 0;
        buf[icmp + 3] = 0;
        int checksum = InternetChecksum.of(buf, icmp, totalLength - headerLength);
        buf[icmp + 2] = (byte) (checksum >>> 8);
        buf[icmp + 3] = (byte) checksum;
        return true;
    }

    /** The header checksum stays valid: the one's-complement sum does not depend on word order. */
    private static void swapAddresses(byte[] buf, int off) {
        for (int i = 0; i < 4; i++) {
            byte source = buf[off + 12 + i];
            buf[off + 12 + i] = buf[off + 16 + i];
            buf[off + 16 + i] = source;
        }
    }
}
