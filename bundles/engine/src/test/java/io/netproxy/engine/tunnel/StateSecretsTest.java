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

class StateSecretsTest {
    @TempDir
    Path state;

    @Test
    void aClientKeepsItsIdAcrossRestartsInItsStateDirectory() throws Exception {
        byte[] first = StateSecrets.clientId(state, "office");
        assertArrayEquals(first, StateSecrets.clientId(state, "office"));
        assertFalse(Arrays.equals(first, StateSecrets.clientId(state, "home")), "each tunnel has its own id");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("client-id-office"))));
    }

    @Test
    void aDamagedIdFileIsReplaced() throws Exception {
        Files.writeString(state.resolve("client-id-office"), "short");
        byte[] id = StateSecrets.clientId(state, "office");
        assertEquals(16, id.length);
        assertArrayEquals(id, StateSecrets.clientId(state, "office"));
    }

    @Test
    void withoutAStateDirectoryEachRunGetsAFreshId() {
        assertFalse(Arrays.equals(StateSecrets.clientId(null, "office"), StateSecrets.clientId(null, "office")));
    }
}
