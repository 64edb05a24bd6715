package io.netproxy.tun.linux;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One queue of a multi-queue TUN device: a descriptor of {@code /dev/net/tun} attached to the device, read through
 * one channel and written through another (a FileChannel holds one lock across read and write, so sharing it would
 * make every writer wait until the reader receives a packet; closing the read channel signals a blocked reader).
 */
final class TunQueue {
    private static final Path CLONE_DEVICE = Path.of("/dev/net/tun");

    private final RandomAccessFile file;
    final int fd;
    final String name;
    final FileChannel reader;
    final FileChannel writer;
    /** Whether the device carries a virtio_net_hdr in front of every packet: fixed by the kernel per device. */
    final boolean virtio;

    private TunQueue(RandomAccessFile file, int fd, String name, boolean virtio) throws IOException {
        this.file = file;
        this.fd = fd;
        this.name = name;
        this.virtio = virtio;
        this.reader = file.getChannel();
        this.writer = new FileOutputStream(file.getFD()).getChannel();
    }

    /**
     * Attaches a new descriptor to the device {@code name} (creating it unless it exists), asking for {@code flags}.
     * The kernel applies the flags only to a device that has no other queue; the queue reports the ones in force.
     */
    static TunQueue attach(String name, int flags) throws IOException {
        RandomAccessFile file = openCloneDevice();
        try {
            int fd = FileDescriptors.number(file.getFD());
            TunIoctl.closeOnExec(fd, name);
            byte[] ifreq = Ifreq.of(name, flags);
            TunIoctl.setIff(fd, ifreq, name);
            String actualName = Ifreq.name(ifreq);
            int inForce = TunIoctl.getIff(fd, actualName);
            return new TunQueue(file, fd, actualName, (inForce & TunIoctl.IFF_VNET_HDR) != 0);
        } catch (Throwable e) {
            // Closing the file removes a device this call created.
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static RandomAccessFile openCloneDevice() throws IOException {
        try {
            return new RandomAccessFile(CLONE_DEVICE.toFile(), "rw");
        } catch (FileNotFoundException e) {
            throw TunErrors.cannotOpen(CLONE_DEVICE, e);
        }
    }

    /** Signals a thread blocked in a read, then closes the descriptor both channels share. */
    void close() throws IOException {
        try {
            reader.close();
        } finally {
            writer.close();
            file.close();
        }
    }
}
