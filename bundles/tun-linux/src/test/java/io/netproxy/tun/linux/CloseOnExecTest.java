package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TUN queue's descriptor is closed in the processes the JVM starts; the JDK opens files without that flag. */
class CloseOnExecTest {
    /** O_CLOEXEC in the octal flags of /proc/self/fdinfo. */
    private static final int O_CLOEXEC = 02000000;

    @Test
    void aDescriptorIsMarkedCloseOnExec(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "rw")) {
            int fd = FileDescriptors.number(open.getFD());
            assertEquals(0, flags(fd) & O_CLOEXEC, "the JDK's own descriptor is inherited");
            TunIoctl.closeOnExec(fd, "f");
            assertEquals(O_CLOEXEC, flags(fd) & O_CLOEXEC);
        }
    }

    private static int flags(int fd) throws Exception {
        String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(line -> line.startsWith("flags:")).findFirst().orElseThrow();
        return Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
    }
}
