package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IfreqTest {
    @Test
    void placesTheNameThenTheNativeOrderFlagsAtOffset16() {
        byte[] ifreq = Ifreq.of("tun%d", TunIoctl.IFF_TUN | TunIoctl.IFF_NO_PI);

        assertEquals(40, ifreq.length);
        assertArrayEquals(new byte[] {'t', 'u', 'n', '%', 'd', 0}, Arrays.copyOf(ifreq, 6));
        assertEquals((short) 0x1001, ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).getShort(16));
        byte[] rest = Arrays.copyOfRange(ifreq, 18, 40);
        assertArrayEquals(new byte[rest.length], rest);
    }

    @Test
    void readsTheNameUpToItsTerminator() {
        byte[] ifreq = Ifreq.of("tun%d", 0);
        byte[] written = "tun12".getBytes();
        System.arraycopy(written, 0, ifreq, 0, written.length);

        assertEquals("tun12", Ifreq.name(ifreq));
    }

    @Test
    void acceptsFifteenBytesAndRejectsSixteen() {
        assertEquals("abcdefghijklmno", Ifreq.name(Ifreq.of("abcdefghijklmno", 0)));
        assertThrows(IllegalArgumentException.class, () -> Ifreq.of("abcdefghijklmnop", 0));
        // 8 characters but 16 bytes in UTF-8
        assertThrows(IllegalArgumentException.class, () -> Ifreq.of("\u00e4\u00e4\u00e4\u00e4\u00e4\u00e4\u00e4\u00e4", 0));
    }
}
