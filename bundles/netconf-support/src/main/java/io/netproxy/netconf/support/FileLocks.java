package io.netproxy.netconf.support;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;

/**
 * Exclusive flock(2) locks, through a JNA direct mapping of libc. A flock lock belongs to the open file
 * description, not to the process: two opens of one file conflict even in one process (whatever class loader
 * made them), and closing another descriptor of the file leaves the lock alone. The JDK's {@code FileChannel.lock}
 * takes POSIX record locks instead, which any close of the file in the process drops, and which the JDK tracks
 * per JVM, failing a second class loader's attempt with an unchecked {@code OverlappingFileLockException}.
 * A lock ends when its channel is closed (or its process dies).
 */
final class FileLocks {
    static final String REQUIRED_JVM_FLAGS = "--add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED";

    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    // Linux errno values on x86, arm, riscv and s390.
    private static final int EINTR = 4;
    private static final int EWOULDBLOCK = 11;

    static {
        Native.register(FileLocks.class, Platform.C_LIBRARY_NAME);
    }

    private FileLocks() {
    }

    private static native int flock(int fd, int operation);

    /** Takes the lock if nobody holds it; false when another open file description does. */
    static boolean tryLock(FileChannel channel, Object file) throws IOException {
        int fd = descriptor(channel, file);
        while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int errno = Native.getLastError();
            if (errno == EWOULDBLOCK) return false;
            if (errno != EINTR) throw failed(file, errno);
        }
        return true;
    }

    /** Waits for the lock. */
    static void lock(FileChannel channel, Object file) throws IOException {
        int fd = descriptor(channel, file);
        while (flock(fd, LOCK_EX) != 0) {
            int errno = Native.getLastError();
            if (errno != EINTR) throw failed(file, errno);
        }
    }

    private static IOException failed(Object file, int errno) {
        return new IOException("cannot lock " + file + ": flock failed with errno " + errno);
    }

    /** The descriptor number behind the channel, which the JDK keeps private. */
    private static int descriptor(FileChannel channel, Object file) throws IOException {
        try {
            Field channelFd = channel.getClass().getDeclaredField("fd");
            channelFd.setAccessible(true);
            Field number = FileDescriptor.class.getDeclaredField("fd");
            number.setAccessible(true);
            return number.getInt(channelFd.get(channel));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot lock " + file + ": reading its file descriptor needs the JVM flags "
                    + REQUIRED_JVM_FLAGS, e);
        }
    }
}
