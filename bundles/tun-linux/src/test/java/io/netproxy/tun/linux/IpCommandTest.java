package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Only reads: asks about a device that does not exist, which changes nothing on the host. */
class IpCommandTest {
    @Test
    void reportsWhatIpPrintedOnFailure() {
        IOException failure = assertThrows(IOException.class,
                () -> IpCommand.run("link", "show", "dev", "np-no-such0"));

        assertTrue(failure.getMessage().matches("command failed \\(exit \\d+\\): /\\S+/ip link show dev np-no-such0: .*"), failure.getMessage());
        assertTrue(failure.getMessage().contains("np-no-such0"), failure.getMessage());
    }
}
