package io.netproxy.tun.linux;

import io.netproxy.api.TunBackend;
import io.netproxy.api.TunDevice;
import io.netproxy.api.TunSettings;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens TUN devices through {@code /dev/net/tun}: the TUNSETIFF/TUNSETPERSIST ioctls attach the file to a
 * device, then iproute2 sets its MTU and addresses and brings it up. Every device is a multi-queue one with a single
 * queue, so that {@link #attach} can add a second queue for a hand-over.
 */
@Component(service = TunBackend.class,
        property = {TunBackend.PROPERTY + "=" + LinuxTunBackend.NAME, "service.ranking:Integer=10"})
public final class LinuxTunBackend implements TunBackend {
    static final String NAME = "linux";

    private static final Logger LOG = LoggerFactory.getLogger(LinuxTunBackend.class);
    private static final Path CLONE_DEVICE = Path.of("/dev/net/tun");

    private static final int TX_QUEUE_PACKETS = 2000;
    private static final int FLAGS = TunIoctl.IFF_TUN | TunIoctl.IFF_NO_PI | TunIoctl.IFF_MULTI_QUEUE;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TunDevice open(TunSettings settings) throws IOException {
        RandomAccessFile file = openCloneDevice();
        try {
            int fd = FileDescriptors.number(file.getFD());
            String name = attach(fd, settings);
            configure(name, settings);
            // Only a fully configured device is made persistent, so a failure above leaves nothing behind.
            if (settings.persist()) {
                TunIoctl.setPersist(fd, name);
            }
            LOG.info("opened TUN {} (mtu {}, addresses {}{})", name, settings.mtu(), settings.addresses(),
                    settings.persist() ? ", persistent" : "");
            return new LinuxTunDevice(name, settings.mtu(), settings.persist(), file);
        } catch (Throwable e) {
            // Closing the file removes a device this call created (persistence is set last).
            closeAfterFailure(file, e);
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

    /**
     * Attaches the descriptor to the device and returns the kernel's name for it (which resolves a %d). A device of
     * that name that exists already is an error, unless the settings ask to re-attach a persistent one: two
     * tunnels must never share a device by accident.
     */
    private static String attach(int fd, TunSettings settings) throws IOException {
        int exclusive = settings.persist() ? 0 : TunIoctl.IFF_TUN_EXCL;
        byte[] ifreq = Ifreq.of(settings.name(), FLAGS | exclusive);
        TunIoctl.setIff(fd, ifreq, settings.name());
        return Ifreq.name(ifreq);
    }

    /**
     * A second queue of the running device {@code current}: packets the kernel routes to it are read from both
     * until the old queue closes, and its addresses and routes stay with the device.
     */
    @Override
    public TunDevice attach(TunDevice current) throws IOException {
        RandomAccessFile file = openCloneDevice();
        try {
            int fd = FileDescriptors.number(file.getFD());
            TunIoctl.setIff(fd, Ifreq.of(current.name(), FLAGS), current.name());
            LOG.info("attached to TUN {} for a hand-over", current.name());
            return new LinuxTunDevice(current.name(), current.mtu(), false, file);
        } catch (Throwable e) {
            closeAfterFailure(file, e);
            throw e;
        }
    }

    /**
     * Uses "addr replace" so that re-attaching a persistent device that keeps its addresses succeeds. The
     * queue is longer than the kernel's 500 packets so bursts wait for the reader thread instead of being dropped.
     */
    private static void configure(String name, TunSettings settings) throws IOException {
        IpCommand.run("link", "set", "dev", name, "mtu", Integer.toString(settings.mtu()), "txqueuelen",
                Integer.toString(TX_QUEUE_PACKETS), "up");
        for (String address : settings.addresses()) {
            IpCommand.run("addr", "replace", address, "dev", name);
        }
    }

    private static void closeAfterFailure(RandomAccessFile file, Throwable failure) {
        try {
            file.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
