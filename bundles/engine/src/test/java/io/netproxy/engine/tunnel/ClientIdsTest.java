package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientIdsTest {
    @TempDir
    Path state;

    @Test
    void aClientKeepsItsIdAcrossRestartsInItsStateDirectory() throws Exception {
        byte[] first = ClientIds.forTunnel(state, "office");
        assertArrayEquals(first, ClientIds.forTunnel(state, "office"));
        assertFalse(Arrays.equals(first, ClientIds.forTunnel(state, "home")), "each tunnel has its own id");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("client-id-office"))));
    }

    @Test
    void aDamagedIdFileIsReplaced() throws Exception {
        Files.writeString(state.resolve("client-id-office"), "short");
        byte[] id = ClientIds.forTunnel(state, "office");
        assertEquals(16, id.length);
        assertArrayEquals(id, ClientIds.forTunnel(state, "office"));
    }

    @Test
    void withoutAStateDirectoryEachRunGetsAFreshId() {
        assertFalse(Arrays.equals(ClientIds.forTunnel(null, "office"), ClientIds.forTunnel(null, "office")));
    }
}
