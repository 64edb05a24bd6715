package io.netproxy.cipher.aesgcm;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import org.osgi.service.component.annotations.Component;

/** AES-256-GCM through SunJCE, which uses AES-NI and CLMUL: the fastest suite where those exist. */
@Component(service = CipherSuite.class,
        property = {CipherSuite.PROPERTY + "=" + AesGcmSuite.NAME, "service.ranking:Integer=20"})
public final class AesGcmSuite implements CipherSuite {
    static final String NAME = "aes-256-gcm";
    private static final int WIRE_ID = 2;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int wireId() {
        return WIRE_ID;
    }

    @Override
    public int keyLength() {
        return SunJceAesGcm.KEY_LENGTH;
    }

    @Override
    public int tagLength() {
        return SunJceAesGcm.TAG_LENGTH;
    }

    @Override
    public PacketSealer newSealer(byte[] key) {
        return new AesGcmSealer(key);
    }

    @Override
    public PacketOpener newOpener(byte[] key) {
        return new AesGcmOpener(key);
    }
}
