package io.netproxy.engine.protocol;

/**
 * mac2 carries a cookie (message type 3) in initiations to a server under load, and is zero otherwise; responses
 * never carry one, since only servers send cookie replies.
 */
final class Mac2 {
    private Mac2() {
    }

    static boolean isUnset(byte[] buf, int mac2Offset) {
        int bits = 0;
        for (int i = 0; i < Messages.MAC_LENGTH; i++) {
            bits |= buf[mac2Offset + i];
        }
        return bits == 0;
    }
}
