package io.netproxy.tun.linux;

import io.netproxy.api.TunBackend;
import io.netproxy.api.TunDevice;
import io.netproxy.api.TunSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens TUN devices through {@code /dev/net/tun}: the TUNSETIFF/TUNSETPERSIST ioctls attach the file to a
 * device, then iproute2 sets its MTU and addresses and brings it up. Every device is a multi-queue one with a single
 * queue, so that {@link #attach} can add a second queue for a hand-over. The two backends differ in the packet format
 * and offloads of their devices (see {@link LinuxTunDevice} for a hand-over between them).
 */
abstract class CloneDeviceBackend implements TunBackend {
    private static final Logger LOG = LoggerFactory.getLogger(CloneDeviceBackend.class);
    private static final int TX_QUEUE_PACKETS = 2000;

    /** Whether this backend's devices use segmentation and checksum offload. */
    abstract boolean offload();

    /** TUNSETIFF flags of a device with or without offloads. */
    static int flags(boolean offload) {
        int flags = TunIoctl.IFF_TUN | TunIoctl.IFF_NO_PI | TunIoctl.IFF_MULTI_QUEUE;
        return offload ? flags | TunIoctl.IFF_VNET_HDR : flags;
    }

    /**
     * TUNSETOFFLOAD flags for a queue of this format: none without the header that describes them, so that a device
     * that changes format never hands a bare reader a super-packet.
     */
    static int offloads(boolean virtio) {
        return virtio ? TunIoctl.TUN_F_CSUM | TunIoctl.TUN_F_TSO4 | TunIoctl.TUN_F_TSO6 : 0;
    }

    @Override
    public TunDevice open(TunSettings settings) throws IOException {
        int exclusive = settings.persist() ? 0 : TunIoctl.IFF_TUN_EXCL;
        TunQueue queue = TunQueue.attach(settings.name(), flags(offload()) | exclusive);
        try {
            TunIoctl.setOffload(queue.fd, offloads(queue.virtio), queue.name);
            configure(queue.name, settings);
            // Only a fully configured device is made persistent, so a failure above leaves nothing behind.
            if (settings.persist()) {
                TunIoctl.setPersist(queue.fd, queue.name, true);
            }
            LOG.info("opened TUN {} (backend {}, mtu {}, addresses {}{})", queue.name, name(), settings.mtu(),
                    settings.addresses(), settings.persist() ? ", persistent" : "");
            return new LinuxTunDevice(queue, settings.mtu(), settings.persist(), offload());
        } catch (Throwable e) {
            // Closing the queue removes a device this call created (persistence is set last).
            closeAfterFailure(queue, e);
            throw e;
        }
    }

    /**
     * A second queue of the running device {@code current}: packets the kernel routes to it are read from both
     * until the old queue closes, and its addresses and routes stay with the device.
     */
    @Override
    public TunDevice attach(TunDevice current) throws IOException {
        TunQueue queue = TunQueue.attach(current.name(), flags(offload()));
        try {
            // a queue in the old format leaves the offloads to the old queue, which still reads
            if (queue.virtio == offload()) {
                TunIoctl.setOffload(queue.fd, offloads(queue.virtio), queue.name);
            }
            LOG.info("attached to TUN {} for a hand-over (backend {})", current.name(), name());
            return new LinuxTunDevice(queue, current.mtu(), false, offload());
        } catch (Throwable e) {
            closeAfterFailure(queue, e);
            throw e;
        }
    }

    /**
     * Uses "addr replace" so that re-attaching a persistent device that keeps its addresses succeeds. The
     * queue is longer than the kernel's 500 packets so bursts wait for the reader thread instead of being dropped.
     */
    private static void configure(String name, TunSettings settings) throws IOException {
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("link", "set", "dev", name, "mtu", Integer.toString(settings.mtu()), "txqueuelen",
                Integer.toString(TX_QUEUE_PACKETS), "up"));
        for (String address : settings.addresses()) {
            if (address.contains(":")) {
                // no duplicate address detection: the device has no link to probe, and the tentative address
                // would hold traffic back for a second or more
                commands.add(List.of("addr", "replace", address, "dev", name, "nodad"));
            } else {
                commands.add(List.of("addr", "replace", address, "dev", name));
            }
        }
        IpCommand.batch(commands);
    }

    private static void closeAfterFailure(TunQueue queue, Throwable failure) {
        try {
            queue.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
