package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    @Test
    void matchesTheRfc1071Example() {
        byte[] data = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};

        assertEquals(0x220d, InternetChecksum.of(data, 0, data.length));
    }

    @Test
    void isZeroOverAnIpv4HeaderWithItsChecksum() {
        byte[] header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");

        assertEquals(0, InternetChecksum.of(header, 0, header.length));
    }

    @Test
    void padsAnOddLengthWithAZeroByte() {
        byte[] odd = {0x01, 0x02, 0x03};
        byte[] padded = {0x01, 0x02, 0x03, 0x00};

        assertEquals(InternetChecksum.of(padded, 0, 4), InternetChecksum.of(odd, 0, 3));
    }

    @Test
    void coversOnlyTheGivenRange() {
        byte[] data = {(byte) 0xff, 0x00, 0x01, (byte) 0xff};

        assertEquals(0xfffe, InternetChecksum.of(data, 1, 2));
    }

    @Test
    void agreesWithTheWordByWordSumAtEveryLengthAndOffset() {
        java.util.Random random = new java.util.Random(1071);
        byte[] data = new byte[1600];
        random.nextBytes(data);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; off + len <= data.length; len += len < 80 ? 1 : 97) {
                long initial = random.nextInt(1 << 20);
                assertEquals(InternetChecksum.fold(wordByWord(data, off, len, initial)),
                        InternetChecksum.fold(InternetChecksum.sum(data, off, len, initial)), "offset " + off + ", length " + len);
            }
        }
    }

    /** RFC 1071 as written: big-endian 16-bit words, an odd last byte padded with zero. */
    private static long wordByWord(byte[] buf, int off, int len, long initial) {
        long sum = initial;
        int i = off;
        for (; i + 1 < off + len; i += 2) sum += ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
        if (i < off + len) sum += (buf[i] & 0xff) << 8;
        return sum;
    }

    static byte[] hex(String text) {
        String digits = text.replace(" ", "");
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
