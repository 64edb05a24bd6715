package io.netproxy.api;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/** Opens layer-3 TUN devices. Registered with {@code netproxy.tun=<name()>}. */
@ConsumerType
public interface TunBackend {
    String PROPERTY = "netproxy.tun";

    String name();

    /** Creates (or attaches to a persistent) device, sets its MTU and addresses and brings it up. */
    TunDevice open(TunSettings settings) throws IOException;
}
