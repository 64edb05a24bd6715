package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TunErrorsTest {
    @Test
    void namesTheCauseOfEachIoctlError() {
        assertMessage(TunErrors.ioctlFailed("TUNSETIFF", "tun0", TunErrors.EPERM).getMessage(), "CAP_NET_ADMIN");
        assertMessage(TunErrors.ioctlFailed("TUNSETIFF", "tun0", TunErrors.EACCES).getMessage(), "root");
        assertMessage(TunErrors.ioctlFailed("TUNSETIFF", "tun0", TunErrors.EBUSY).getMessage(), "tun0: the device name is in use");
        assertMessage(TunErrors.ioctlFailed("TUNSETIFF", "tun0", TunErrors.ENODEV).getMessage(), "modprobe tun");
        assertMessage(TunErrors.ioctlFailed("TUNSETPERSIST", "tun0", 5).getMessage(), "TUNSETPERSIST failed for TUN device tun0");
        assertMessage(TunErrors.ioctlFailed("TUNSETPERSIST", "tun0", 5).getMessage(), "errno 5");
        assertMessage(TunErrors.ioctlFailed("TUNSETPERSIST", "tun0", 5).getMessage(), "Input/output error; check the kernel log");
    }

    @Test
    void asksToLoadTheModuleWhenTheCloneDeviceIsMissing() {
        Path missing = Path.of("/nonexistent/net/tun");
        FileNotFoundException cause = new FileNotFoundException(missing + " (No such file or directory)");

        assertMessage(TunErrors.cannotOpen(missing, cause).getMessage(), "modprobe tun");
    }

    private static void assertMessage(String message, String expected) {
        assertTrue(message.contains(expected), () -> "'" + message + "' should contain '" + expected + "'");
    }
}
