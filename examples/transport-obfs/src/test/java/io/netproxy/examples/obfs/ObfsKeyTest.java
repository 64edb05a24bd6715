package io.netproxy.examples.obfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObfsKeyTest {
    private static final String SECRET = "0123456789abcdef-secret";

    @TempDir
    Path dir;

    @Test
    void aFileOfItsOwnerOnlyGivesTheKeyAndItsNewlineDoesNotCount() throws IOException {
        Path withNewline = keyFile("a", SECRET + "\n", "rw-------");
        Path without = keyFile("b", SECRET, "r--------");
        assertEquals(ObfsKey.read(without), ObfsKey.read(withNewline));
        assertNotEquals(ObfsKey.read(without), ObfsKey.read(keyFile("c", SECRET + "x", "rw-------")));
        assertEquals(32, ObfsKey.read(without).getEncoded().length, "AES-256");
    }

    @Test
    void aFileOthersCanReadIsRefusedWithoutShowingTheKey() throws IOException {
        for (String permissions : new String[] {"rw-r-----", "rw----r--", "rw-----w-"}) {
            Path file = keyFile("open-" + permissions, SECRET, permissions);
            IOException e = assertThrows(IOException.class, () -> ObfsKey.read(file));
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), "the key is in the message");
        }
    }

    @Test
    void aShortKeyIsRefusedWithoutShowingIt() throws IOException {
        Path file = keyFile("short", "short secret\n", "rw-------");
        IOException e = assertThrows(IOException.class, () -> ObfsKey.read(file));
        assertTrue(e.getMessage().contains("holds 12 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("short secret"), "the key is in the message");
    }

    private Path keyFile(String name, String content, String permissions) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }
}
