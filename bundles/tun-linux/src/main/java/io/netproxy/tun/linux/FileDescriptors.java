package io.netproxy.tun.linux;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;

/** The descriptor number behind a {@link FileDescriptor}, which the ioctls need and the JDK keeps private. */
final class FileDescriptors {
    static final String REQUIRED_JVM_FLAG = "--add-opens java.base/java.io=ALL-UNNAMED";

    private FileDescriptors() {
    }

    static int number(FileDescriptor descriptor) throws IOException {
        try {
            Field fd = FileDescriptor.class.getDeclaredField("fd");
            fd.setAccessible(true);
            return fd.getInt(descriptor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the TUN file descriptor number: start the JVM with "
                    + REQUIRED_JVM_FLAG, e);
        }
    }
}
