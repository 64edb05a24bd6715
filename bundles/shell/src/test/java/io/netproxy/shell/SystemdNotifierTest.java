package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifierTest {
    @TempDir
    Path dir;

    @Test
    void aDatagramOfNewlineSeparatedAssignmentsReachesAPathSocket() throws IOException {
        try (NotifySocket manager = new NotifySocket(dir.resolve("notify").toString())) {
            new SystemdNotifier(manager.address).send(List.of("READY=1", "STATUS=tunnel office: server listening"));
            assertEquals(Optional.of("READY=1\nSTATUS=tunnel office: server listening\n"), manager.receive(Duration.ofSeconds(5)));
            new SystemdNotifier(manager.address).send(List.of("STOPPING=1"));
            assertEquals(Optional.of("STOPPING=1\n"), manager.receive(Duration.ofSeconds(5)));
            assertEquals(Optional.empty(), manager.receive(Duration.ofMillis(100)));
        }
    }

    @Test
    void anAbstractAddressStartsWithAnAt() throws IOException {
        String name = "@netproxy-test-" + ThreadLocalRandom.current().nextInt(1 << 30);
        try (NotifySocket manager = new NotifySocket(name)) {
            new SystemdNotifier(name).send(List.of("READY=1"));
            assertEquals(Optional.of("READY=1\n"), manager.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void theAddressIsAsLongAsItsPath() throws IOException {
        byte[] path = SystemdNotifier.address("/run/systemd/notify");
        assertEquals(2 + "/run/systemd/notify".length() + 1, path.length);
        assertEquals('/', path[2]);
        assertEquals(0, path[path.length - 1]);
        byte[] abstractName = SystemdNotifier.address("@x");
        assertArrayEquals(new byte[] {0, 'x'}, new byte[] {abstractName[2], abstractName[3]});
        assertEquals(4, abstractName.length, "no terminating NUL: every byte of an abstract address counts");
        assertThrows(IOException.class, () -> SystemdNotifier.address("vsock:2:1234"));
        assertThrows(IOException.class, () -> SystemdNotifier.address("relative/notify"));
        assertThrows(IOException.class, () -> SystemdNotifier.address("/" + "x".repeat(107)));
    }

    @Test
    void failuresAreReported() {
        IOException nobody = assertThrows(IOException.class,
                () -> new SystemdNotifier(dir.resolve("nobody").toString()).send(List.of("READY=1")));
        assertTrue(nobody.getMessage().contains("failed, errno 2"), nobody.getMessage()); // ENOENT
        IOException bad = assertThrows(IOException.class, () -> new SystemdNotifier("/x").send(List.of("READY")));
        assertTrue(bad.getMessage().contains("not a NAME=value assignment"), bad.getMessage());
        assertThrows(IOException.class, () -> new SystemdNotifier("/x").send(List.of("STATUS=two\nlines")));
    }

    @Test
    void theControlSocketIsAmongTheUnixSocketsOfItsNamespace() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
            long inode = PeerCredentials.inode(listener);
            long self = ProcessHandle.current().pid();
            assertEquals(Optional.of(true), PeerCredentials.listsSocket(self, inode));
            assertEquals(Optional.of(false), PeerCredentials.listsSocket(self, inode + 1_000_000_000L));
            assertEquals(Optional.empty(), PeerCredentials.listsSocket(Integer.MAX_VALUE, inode), "no such process");
        }
    }
}
