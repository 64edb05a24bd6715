package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketTest {
    @TempDir
    Path dir;

    @Test
    void staleSocketIsRemovedLiveOneRefused() throws IOException {
        Path socket = dir.resolve("control.sock");
        ControlSocket.removeStaleSocket(socket); // nothing there
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));
            IOException e = assertThrows(IOException.class, () -> ControlSocket.removeStaleSocket(socket));
            assertTrue(e.getMessage().startsWith("another netproxy instance already serves " + socket), e.getMessage());
            assertTrue(Files.exists(socket));
        }
        assertTrue(Files.exists(socket), "closing a bound Unix socket leaves its file, like a killed instance");
        ControlSocket.removeStaleSocket(socket);
        assertFalse(Files.exists(socket));
    }
}
