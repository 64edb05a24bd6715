package io.netproxy.metrics.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void aPortAloneIsLoopback() {
        InetSocketAddress a = ListenAddress.parse("9586");
        assertTrue(a.getAddress().isLoopbackAddress());
        assertEquals(9586, a.getPort());
    }

    @Test
    void hostAndPort() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9586), ListenAddress.parse("127.0.0.1:9586"));
        assertEquals(new InetSocketAddress("198.51.100.1", 80), ListenAddress.parse(" 198.51.100.1:80 "));
        assertEquals(new InetSocketAddress("::1", 9586), ListenAddress.parse("[::1]:9586"));
    }

    @Test
    void badValuesAreRefusedWithTheProblem() {
        assertMessage("127.0.0.1:x", "the port 'x' is not a number");
        assertMessage("127.0.0.1:0", "the port is not 1 to 65535");
        assertMessage("70000", "the port is not 1 to 65535");
        assertMessage(":9586", "the host is empty");
        assertMessage("::1:9586", "write an IPv6 address in brackets");
        assertMessage("[::1]9586", "[ADDRESS]:PORT");
    }

    private static void assertMessage(String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(value));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(value), e.getMessage());
    }
}
