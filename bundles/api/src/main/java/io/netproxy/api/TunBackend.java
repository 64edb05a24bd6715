package io.netproxy.api;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/** Opens layer-3 TUN devices. Registered with {@code netproxy.tun=<name()>}. */
@ConsumerType
public interface TunBackend {
    String PROPERTY = "netproxy.tun";

    String name();

    /**
     * Creates a device, sets its MTU and addresses and brings it up. A device of the same name that exists is an
     * error (two tunnels never share one), unless {@link TunSettings#persist()} asks to re-attach a persistent one.
     */
    TunDevice open(TunSettings settings) throws IOException;

    /**
     * Attaches to the running device {@code current} (opened by this or another backend) without disturbing it: the
     * hand-over that moves a tunnel to this backend while it carries traffic. Until {@code current} is closed the
     * kernel may hand packets to either; after that the returned device alone carries the device's traffic, with
     * the addresses and routes the device had.
     *
     * @throws IOException when this backend cannot take over that device (the default: none can)
     */
    default TunDevice attach(TunDevice current) throws IOException {
        throw new IOException("the TUN backend " + name() + " cannot take over a running device");
    }
}
