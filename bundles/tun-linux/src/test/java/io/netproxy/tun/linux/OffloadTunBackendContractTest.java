package io.netproxy.tun.linux;

import io.netproxy.api.TunBackend;
import io.netproxy.testkit.TunBackendContract;

/** The contract every TUN backend keeps, kept by the offloading one too. */
class OffloadTunBackendContractTest extends TunBackendContract {
    @Override
    protected TunBackend newBackend() {
        return new OffloadTunBackend();
    }
}
