package io.netproxy.engine.protocol;

/**
 * TAI64N timestamps as in WireGuard: 8 bytes big-endian {@code 2^62 + 10 + unix seconds}, then 4 bytes
 * big-endian nanoseconds. The nanoseconds are rounded down to a multiple of 2^24 (about 16.8 ms) so the
 * timestamp does not reveal the sender's clock precisely; it also caps initiations per identity at ~60/s.
 */
final class Tai64n {
    static final int LENGTH = 12;

    private static final long BASE = (1L << 62) + 10;
    private static final int NANOS_WHITENER = ~((1 << 24) - 1);

    private Tai64n() {
    }

    static void write(long epochMillis, byte[] out, int off) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        int nanos = (int) Math.floorMod(epochMillis, 1000L) * 1_000_000 & NANOS_WHITENER;
        writeBigEndian(BASE + seconds, 8, out, off);
        writeBigEndian(nanos, 4, out, off + 8);
    }

    /**
     * Reads a timestamp as a comparable value: seconds in the high bits, nanoseconds in the low 30 bits.
     * Returns -1 when the encoding is not canonical (nanoseconds of a second or more, seconds before 1970
     * or absurdly far in the future).
     */
    static long read(byte[] buf, int off) {
        long seconds = readBigEndian(buf, off, 8) - BASE;
        long nanos = readBigEndian(buf, off + 8, 4);
        if (seconds < 0 || seconds >= (1L << 33) || nanos >= 1_000_000_000L) {
            return -1;
        }
        return seconds << 30 | nanos;
    }

    /** Converts a value returned by {@link #read} to unix milliseconds. */
    static long toEpochMillis(long comparable) {
        return (comparable >>> 30) * 1000L + (comparable & ((1 << 30) - 1)) / 1_000_000L;
    }

    private static void writeBigEndian(long value, int bytes, byte[] out, int off) {
        for (int i = bytes - 1; i >= 0; i--) {
            out[off + i] = (byte) value;
            value >>>= 8;
        }
    }

    private static long readBigEndian(byte[] buf, int off, int bytes) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = value << 8 | (buf[off + i] & 0xFF);
        }
        return value;
    }
}
