package io.netproxy.tun.linux;

import static io.netproxy.tun.linux.InternetChecksumTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IcmpEchoTest {
    /** An echo request from 10.99.0.1 to 10.99.0.2 as ping sent it, with 8 bytes of data, at offset 4. */
    private static final String REQUEST = "4500 0024 1c46 4000 4001 09cb 0a63 0001 0a63 0002"
            + " 0800 5435 1234 0001 6162 6364 6566 6768";

    @Test
    void turnsARequestIntoAReplyWithValidChecksums() {
        byte[] packet = withHeadroom(hex(REQUEST), 4);

        assertTrue(IcmpEcho.answerInPlace(packet, 4, 36));

        assertArrayEquals(hex("0a63 0002 0a63 0001"), Arrays.copyOfRange(packet, 4 + 12, 4 + 20), "swapped addresses");
        assertEquals(0, packet[4 + 20], "echo reply type");
        assertEquals(0, InternetChecksum.of(packet, 4, 20), "IPv4 header checksum");
        assertEquals(0, InternetChecksum.of(packet, 4 + 20, 16), "ICMP checksum");
        assertArrayEquals(Arrays.copyOfRange(hex(REQUEST), 24, 36), Arrays.copyOfRange(packet, 4 + 24, 4 + 36),
                "identifier, sequence and data echoed");
    }

    @Test
    void leavesOtherPacketsAlone() {
        byte[] reply = hex(REQUEST.replace(" 0800 ", " 0000 "));
        byte[] udp = hex(REQUEST.replace("4001 09cb", "4011 09bb"));
        byte[] ipv6 = hex(REQUEST.replaceFirst("45", "60"));

        for (byte[] packet : new byte[][] {reply, udp, ipv6}) {
            byte[] before = packet.clone();
            assertFalse(IcmpEcho.answerInPlace(packet, 0, packet.length));
            assertArrayEquals(before, packet);
        }
    }

    @Test
    void ignoresTruncatedPackets() {
        byte[] packet = hex(REQUEST);

        assertFalse(IcmpEcho.answerInPlace(packet, 0, 19));
        assertFalse(IcmpEcho.answerInPlace(packet, 0, 27));
    }

    private static byte[] withHeadroom(byte[] packet, int headroom) {
        byte[] buffer = new byte[headroom + packet.length];
        System.arraycopy(packet, 0, buffer, headroom, packet.length);
        return buffer;
    }
}
