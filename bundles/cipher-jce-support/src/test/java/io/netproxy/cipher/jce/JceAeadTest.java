package io.netproxy.cipher.jce;

import static io.netproxy.testkit.Packets.HEADER;
import static io.netproxy.testkit.Packets.TAG;
import static io.netproxy.testkit.Packets.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.testkit.Hex;
import io.netproxy.testkit.PacketCipherContract;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;

/** The shared sealer and opener, over AES-256-GCM; the suites run the same contract over their own specs. */
class JceAeadTest extends PacketCipherContract {
    private static final JceAeadSpec GCM =
            new JceAeadSpec("AES-256-GCM", "AES/GCM/NoPadding", "AES", 32, TAG, nonce -> new GCMParameterSpec(TAG * 8, nonce));

    private final byte[] key = Hex.bytes("1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");

    JceAeadTest() {
        super(key -> new JceAeadSealer(GCM, key), key -> new JceAeadOpener(GCM, key), 32, TAG, true);
    }

    @Test
    void sealsAndOpensACounterAsTheNonceCounterNonceWrites() {
        byte[] nonce = new byte[CounterNonce.LENGTH];
        CounterNonce.write(0x0807060504030201L, nonce);
        byte[] byCounter = packet(40);
        byte[] byNonce = packet(40);
        try (JceAeadSealer counterSealer = new JceAeadSealer(GCM, key); JceAeadSealer nonceSealer = new JceAeadSealer(GCM, key)) {
            counterSealer.seal(0x0807060504030201L, byCounter, 0, HEADER, HEADER, 40);
            nonceSealer.seal(nonce, byNonce, 0, HEADER, HEADER, 40);
        }
        assertArrayEquals(byNonce, byCounter);
        try (JceAeadOpener opener = new JceAeadOpener(GCM, key)) {
            assertEquals(40, opener.open(nonce, byCounter, 0, HEADER, HEADER, 40 + TAG));
        }
        try (JceAeadOpener opener = new JceAeadOpener(GCM, key)) {
            assertEquals(40, opener.open(0x0807060504030201L, byNonce, 0, HEADER, HEADER, 40 + TAG));
        }
    }

    @Test
    void namesTheSuiteAndTheLengthsWhenTheKeyDoesNotFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JceAeadSealer(GCM, new byte[16]));
        assertEquals("AES-256-GCM needs a 32-byte key, got 16", e.getMessage());
    }

    @Test
    void failsClearlyWhenSunJceLacksTheTransformation() {
        JceAeadSpec missing = new JceAeadSpec("none", "NoSuchCipher/GCM/NoPadding", "AES", 32, TAG, GCM.parameters());
        assertThrows(IllegalStateException.class, () -> new JceAeadOpener(missing, key));
    }

    @Test
    void closeWipesTheKeyOnce() {
        JceAead aead = new JceAead(GCM, key);
        assertFalse(aead.isClosed());
        aead.close();
        assertTrue(aead.isClosed());
        aead.close();
        assertTrue(aead.isClosed());
    }

    @Test
    void specRefusesNonPositiveLengthsAndMissingParts() {
        assertThrows(IllegalArgumentException.class,
                () -> new JceAeadSpec("x", "AES/GCM/NoPadding", "AES", 0, TAG, GCM.parameters()));
        assertThrows(IllegalArgumentException.class,
                () -> new JceAeadSpec("x", "AES/GCM/NoPadding", "AES", 32, 0, GCM.parameters()));
        assertThrows(NullPointerException.class, () -> new JceAeadSpec("x", "AES/GCM/NoPadding", "AES", 32, TAG, null));
        assertThrows(NullPointerException.class, () -> new JceAeadSpec("x", null, "AES", 32, TAG, GCM.parameters()));
    }
}
