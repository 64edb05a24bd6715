package io.netproxy.cipher.jce;

/** Range checks for packets from the network, which must be dropped rather than throw. */
public final class PacketBounds {
    private PacketBounds() {
    }

    /** Whether the AAD and a sealed payload of at least {@code minLen} bytes both lie inside {@code buf}. */
    public static boolean fit(byte[] buf, int aadOff, int aadLen, int off, int len, int minLen) {
        return buf != null
                && aadOff >= 0 && aadLen >= 0 && aadOff <= buf.length - aadLen
                && off >= 0 && len >= minLen && off <= buf.length - len;
    }
}
