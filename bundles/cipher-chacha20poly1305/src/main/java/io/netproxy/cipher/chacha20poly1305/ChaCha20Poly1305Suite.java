package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import io.netproxy.cipher.jce.JceAeadOpener;
import io.netproxy.cipher.jce.JceAeadSealer;
import io.netproxy.cipher.jce.JceAeadSpec;
import javax.crypto.spec.IvParameterSpec;
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
    private static final int KEY_LENGTH = 32;
    private static final int TAG_LENGTH = 16;
    private static final boolean SUNJCE_REOPENS_A_NONCE = Runtime.version().feature() >= 21;

    /** SunJCE's ChaCha20-Poly1305 takes the 96-bit counter nonce as its IV; the tag is always 128 bits. */
    static final JceAeadSpec SPEC = new JceAeadSpec("ChaCha20-Poly1305", "ChaCha20-Poly1305", "ChaCha20",
            KEY_LENGTH, TAG_LENGTH, IvParameterSpec::new);

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
        return SUNJCE_REOPENS_A_NONCE ? new JceAeadOpener(SPEC, key) : new BouncyCastleChaChaOpener(key);
    }
}
