package io.netproxy.tun.linux;

import io.netproxy.api.TunBackend;
import org.osgi.service.component.annotations.Component;

/** Plain TUN devices: one bare IP packet per read and write, every checksum complete. */
@Component(service = TunBackend.class,
        property = {TunBackend.PROPERTY + "=" + LinuxTunBackend.NAME, "service.ranking:Integer=10"})
public final class LinuxTunBackend extends CloneDeviceBackend {
    static final String NAME = "linux";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    boolean offload() {
        return false;
    }
}
