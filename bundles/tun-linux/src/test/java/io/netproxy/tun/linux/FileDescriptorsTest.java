package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs with the JVM flag that surefire passes, like the launcher does. */
class FileDescriptorsTest {
    @Test
    void readsTheStandardDescriptors() throws Exception {
        assertEquals(0, FileDescriptors.number(FileDescriptor.in));
        assertEquals(2, FileDescriptors.number(FileDescriptor.err));
    }

    @Test
    void readsAnOpenFilesDescriptor(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "rw")) {
            assertTrue(FileDescriptors.number(open.getFD()) > 2);
        }
    }
}
