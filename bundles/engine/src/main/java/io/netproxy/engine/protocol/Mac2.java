package io.netproxy.engine.protocol;

/**
 * mac2 is reserved for a cookie (message type 3) in a later version. v1 never sends cookies, so a
 * legitimate v1 message always carries sixteen zero bytes there; anything else is tampering.
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
