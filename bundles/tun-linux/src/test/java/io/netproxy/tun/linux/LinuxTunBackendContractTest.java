package io.netproxy.tun.linux;

import io.netproxy.api.TunBackend;
import io.netproxy.testkit.TunBackendContract;

/** The contract every TUN backend keeps, in a network namespace of the kit's own. */
class LinuxTunBackendContractTest extends TunBackendContract {
    @Override
    protected TunBackend newBackend() {
        return new LinuxTunBackend();
    }
}
