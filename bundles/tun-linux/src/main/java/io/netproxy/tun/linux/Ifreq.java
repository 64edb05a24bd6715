package io.netproxy.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The struct ifreq that TUNSETIFF reads and writes back: a NUL-terminated name, then short flags. */
final class Ifreq {
    /** sizeof(struct ifreq) on 64-bit Linux; 32-bit kernels use 32 bytes, so 40 is enough for both. */
    static final int SIZE = 40;
    /** IFNAMSIZ: the name field, terminating NUL included. */
    static final int NAME_SIZE = 16;
    static final int FLAGS_OFFSET = NAME_SIZE;

    private Ifreq() {
    }

    static byte[] of(String name, int flags) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length >= NAME_SIZE) {
            throw new IllegalArgumentException("interface name longer than " + (NAME_SIZE - 1) + " bytes: " + name);
        }
        byte[] ifreq = new byte[SIZE];
        System.arraycopy(nameBytes, 0, ifreq, 0, nameBytes.length);
        ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).putShort(FLAGS_OFFSET, (short) flags);
        return ifreq;
    }

    static String name(byte[] ifreq) {
        int length = 0;
        while (length < NAME_SIZE && ifreq[length] != 0) {
            length++;
        }
        return new String(ifreq, 0, length, StandardCharsets.UTF_8);
    }

    static int flags(byte[] ifreq) {
        return ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).getShort(FLAGS_OFFSET) & 0xffff;
    }
}
