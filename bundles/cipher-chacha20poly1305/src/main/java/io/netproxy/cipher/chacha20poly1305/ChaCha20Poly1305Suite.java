package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import org.osgi.service.component.annotations.Component;

/**
 * ChaCha20-Poly1305 (RFC 8439): constant-time without AES hardware. Seals with SunJCE; opens with SunJCE on
 * JDK 21+ and with BouncyCastle before, where SunJCE cannot decrypt twice with one nonce.
 */
@Component(service = CipherSuite.class,
        property = {CipherSuite.PROPERTY + "=" + ChaCha20Poly1305Suite.NAME, "service.ranking:Integer=10"})
public final class ChaCha20Poly1305Suite implements CipherSuite {
    static final String NAME = "chacha20-poly1305";
    private static final int WIRE_ID = 1;
    private static final boolean SUNJCE_REOPENS_A_NONCE = Runtime.version().feature() >= 21;

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
        return SunJceChaCha20Poly1305.KEY_LENGTH;
    }

    @Override
    public int tagLength() {
        return SunJceChaCha20Poly1305.TAG_LENGTH;
    }

    @Override
    public PacketSealer newSealer(byte[] key) {
        return new SunJceChaChaSealer(key);
    }

    @Override
    public PacketOpener newOpener(byte[] key) {
        return SUNJCE_REOPENS_A_NONCE ? new SunJceChaChaOpener(key) : new BouncyCastleChaChaOpener(key);
    }
}
