package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortHoldersTest {
    private static final List<String> TCP6 = List.of(
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr"
                    + " tm->when retrnsmt   uid  timeout inode",
            "   0: 00000000000000000000000000000000:1A6F 00000000000000000000000000000000:0000 0A 00000000:00000000"
                    + " 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0",
            "   1: 0000000000000000FFFF00000100007F:1A6F 0000000000000000FFFF00000100007F:D00A 06 00000000:00000000"
                    + " 03:00000A2C 00000000     0        0 0 3 0000000068d14db0",
            "   2: 0000000000000000FFFF00000100007F:1A70 0000000000000000FFFF00000100007F:D00A 01 00000000:00000000"
                    + " 00:00000000 00000000     0        0 4343 1 0000000000000000");
    private static final List<String> UDP = List.of(
            "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
            "  101: 00000000:1A6F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5151 2 0000000000000000 0");

    @Test
    void theSocketsOfAPortAreReadFromTheKernelsTables() {
        assertEquals(List.of(new PortHolders.Socket("tcp6", "LISTEN", "4242"), new PortHolders.Socket("tcp6", "TIME_WAIT", "0")),
                PortHolders.parse("tcp6", TCP6, 6767));
        assertEquals(List.of(new PortHolders.Socket("udp", "bound", "5151")), PortHolders.parse("udp", UDP, 6767));
        assertEquals(List.of(), PortHolders.parse("udp", UDP, 6768));
    }

    @Test
    void aListeningSocketOfThisProcessIsNamedWithItsProcess() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            List<String> holders = PortHolders.of(port);
            assertTrue(holders.stream().anyMatch(h -> h.contains("LISTEN, pid " + ProcessHandle.current().pid())),
                    holders.toString());
        }
    }
}
