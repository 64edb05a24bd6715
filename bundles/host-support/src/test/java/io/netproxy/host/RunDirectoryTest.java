package io.netproxy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void missingRunDirIsCreatedRootOnlyWithItsParents() throws IOException {
        Path run = dir.resolve("a/b/run");
        RunDirectory.prepare(run);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
    }

    @Test
    void existingPrivateDirIsUsedUnchanged() throws IOException {
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        RunDirectory.prepare(run);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
    }

    @Test
    void sharedDirIsRefusedAndLeftAlone() throws IOException {
        Path run = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> RunDirectory.prepare(run));
        assertTrue(e.getMessage().contains(run.toString()) && e.getMessage().contains("writable by other users")
                && e.getMessage().contains("/run/netproxy"), e.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));

        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(IOException.class, () -> RunDirectory.prepare(run));
    }

    @Test
    void dirOfAnotherUserIsRefused() throws IOException {
        Path run = Files.createDirectory(dir.resolve("theirs"));
        UserPrincipal nobody;
        try {
            nobody = run.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(run, nobody);
        } catch (IOException e) {
            assumeTrue(false, "cannot give a directory to 'nobody' here (needs root): " + e.getMessage());
            return;
        }
        IOException e = assertThrows(IOException.class, () -> RunDirectory.prepare(run));
        assertTrue(e.getMessage().contains("belongs to nobody"), e.getMessage());
    }

    @Test
    void fileOrSymlinkIsRefused() throws IOException {
        Path file = Files.createFile(dir.resolve("file"));
        assertThrows(IOException.class, () -> RunDirectory.prepare(file));
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("target")));
        IOException e = assertThrows(IOException.class, () -> RunDirectory.prepare(link));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }
}
