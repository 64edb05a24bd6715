package io.netproxy.cipher.aesgcm;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import io.netproxy.cipher.jce.JceAeadOpener;
import io.netproxy.cipher.jce.JceAeadSealer;
import io.netproxy.cipher.jce.JceAeadSpec;
import javax.crypto.spec.GCMParameterSpec;
import org.osgi.service.component.annotations.Component;

/** AES-256-GCM through SunJCE, which uses AES-NI and CLMUL: the fastest suite where those exist. */
@Component(service = CipherSuite.class,
        property = {CipherSuite.PROPERTY + "=" + AesGcmSuite.NAME, "service.ranking:Integer=20"})
public final class AesGcmSuite implements CipherSuite {
    static final String NAME = "aes-256-gcm";
    private static final int WIRE_ID = 2;
    private static final int KEY_LENGTH = 32;
    private static final int TAG_LENGTH = 16;

    /** A 128-bit tag; the 96-bit IV is the counter nonce. */
    static final JceAeadSpec SPEC = new JceAeadSpec("AES-256-GCM", "AES/GCM/NoPadding", "AES", KEY_LENGTH, TAG_LENGTH,
            nonce -> new GCMParameterSpec(TAG_LENGTH * 8, nonce));

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
        return SPEC.keyLength();
    }

    @Override
    public int tagLength() {
        return SPEC.tagLength();
    }

    @Override
    public PacketSealer newSealer(byte[] key) {
        return new JceAeadSealer(SPEC, key);
    }

    @Override
    public PacketOpener newOpener(byte[] key) {
        return new JceAeadOpener(SPEC, key);
    }
}
