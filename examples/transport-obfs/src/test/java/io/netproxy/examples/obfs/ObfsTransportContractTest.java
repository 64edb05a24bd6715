package io.netproxy.examples.obfs;

import io.netproxy.api.Transport;
import io.netproxy.testkit.TransportContract;
import java.nio.charset.StandardCharsets;

/** netproxy's contract for every transport, which the engine relies on, on loopback. */
class ObfsTransportContractTest extends TransportContract {
    static final byte[] SECRET = "a shared obfuscation secret for tests".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected Transport newTransport() {
        return new ObfsTransport(ObfsKey.derive(SECRET, SECRET.length), 64);
    }

    @Override
    protected int maxDatagramSize() {
        return ObfsCodec.maxDatagram(64);
    }
}
