package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientIdsTest {
    @TempDir
    Path state;

    @AfterEach
    void forgetStateDir() {
        System.clearProperty("netproxy.state.dir");
    }

    @Test
    void aClientKeepsItsIdAcrossRestartsInItsStateDirectory() throws Exception {
        System.setProperty("netproxy.state.dir", state.toString());
        byte[] first = ClientIds.forTunnel("office");
        assertArrayEquals(first, ClientIds.forTunnel("office"));
        assertFalse(Arrays.equals(first, ClientIds.forTunnel("home")), "each tunnel has its own id");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("client-id-office"))));
    }

    @Test
    void aDamagedIdFileIsReplaced() throws Exception {
        System.setProperty("netproxy.state.dir", state.toString());
        Files.writeString(state.resolve("client-id-office"), "short");
        byte[] id = ClientIds.forTunnel("office");
        assertEquals(16, id.length);
        assertArrayEquals(id, ClientIds.forTunnel("office"));
    }

    @Test
    void withoutAStateDirectoryEachRunGetsAFreshId() {
        assertFalse(Arrays.equals(ClientIds.forTunnel("office"), ClientIds.forTunnel("office")));
    }
}
