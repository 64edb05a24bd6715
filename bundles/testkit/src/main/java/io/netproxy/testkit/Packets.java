package io.netproxy.testkit;

import java.util.Arrays;

/** Packet buffers shaped as the engine hands them to a cipher: a header (the AAD), the payload, room for the tag. */
public final class Packets {
    /** The header, authenticated but not encrypted. */
    public static final int HEADER = 16;
    /** The tag length of every suite netproxy ships. */
    public static final int TAG = 16;

    private Packets() {
    }

    /** A header of {@link #HEADER} bytes, then {@code length} payload bytes, then room for a {@link #TAG}. */
    public static byte[] packet(int length) {
        return packet(length, TAG);
    }

    /** A header of {@link #HEADER} bytes, then {@code length} payload bytes, then room for the tag. */
    public static byte[] packet(int length, int tagLength) {
        byte[] buf = new byte[HEADER + length + tagLength];
        for (int i = 0; i < HEADER + length; i++) {
            buf[i] = (byte) (i * 31 + 7);
        }
        return buf;
    }

    public static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
