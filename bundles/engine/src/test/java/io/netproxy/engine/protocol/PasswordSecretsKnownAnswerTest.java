package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.bytes;
import static io.netproxy.engine.protocol.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password mode v2's derivation (PROTOCOL.md 13): PRS, CPace's channel identifier and generator, both shares, K, ISK and
 * the psk. The values come from an independent Python implementation (hashlib, the cryptography package's X25519 and
 * Argon2id, Elligator 2 from the CPace draft's formula), not from this code.
 */
class PasswordSecretsKnownAnswerTest {
    static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    static final byte[] SALT = bytes(0x00, 16);
    static final StaticIdentity SERVER = StaticIdentity.fromPrivateKey(bytes(0x21, 32));
    static final byte[] YA_SCALAR = bytes(0x81, 32);
    static final byte[] YB_SCALAR = bytes(0xa1, 32);
    private static final byte[] YA = hex("819418ebd203f1b8169eb53e35f3dea47e54b9a9647b44900a53c9f36c406c2f");
    private static final byte[] YB = hex("57af8cfc6e991749c26646c3529e8954e897e79d1e0a9018dd57141133ca5316");
    private static byte[] prs;

    @BeforeAll
    static void stretch() {
        prs = PasswordSecrets.prs(PASSWORD.clone(), SALT);
    }

    @Test
    void prsIsArgon2idUnderTheSalt() {
        assertArrayEquals(hex("0d1a3c6523c8f06e4e0af9c515aa5b5448cfebd6838f2d52c3d8b6ef8ddc3c2e"), prs);
    }

    @Test
    void channelIdentifierAndGenerator() {
        assertArrayEquals(hex("5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b"), SERVER.publicKey());
        assertArrayEquals(hex("146e657470726f78792076322070617373776f7264"
                        + "205869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b"),
                PasswordSecrets.channelIdentifier(SERVER.publicKey()));
        assertArrayEquals(hex("b6a92d4a6bf5f07b8ab9dd05316977bf907e13b64e633885fa1343269d141760"),
                PasswordSecrets.of(prs, SERVER.publicKey()).generatorUnsafe());
    }

    @Test
    void sharesIskAndPsk() throws Exception {
        byte[] generator = PasswordSecrets.of(prs, SERVER.publicKey()).generatorUnsafe();
        assertArrayEquals(YA, Cpace.share(YA_SCALAR, generator));
        assertArrayEquals(YB, Cpace.share(YB_SCALAR, generator));
        assertArrayEquals(hex("17b2b2b7df2adce36516393e9670c97a44fbabe770a92b5a9975165e9549094f"),
                NoiseCrypto.dh(YA_SCALAR, YB));
        byte[] isk = Cpace.isk(YA_SCALAR, YB, YA, YB);
        assertArrayEquals(hex("9d4b24eae61692e2bf32e76c8bfeb11444210ea8e19f87e6b2d9d00a67ee648b"
                + "6db3afbd86efbd6e12db4939de4d2312025fb3ffbded9ca779a5d8b063014d7e"), isk);
        byte[] psk = hex("053af01a643ad0cd19eaaf21f3ad83e663bd74d0c55dae0619e6c4a98d2a39ec");
        assertArrayEquals(psk, Cpace.psk(isk));
        assertArrayEquals(psk, Cpace.answer(YB_SCALAR.clone(), generator, YA).psk(), "the responder's side");
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PasswordSecrets.prs(new char[0], SALT));
        assertThrows(IllegalArgumentException.class, () -> PasswordSecrets.prs(new char[] {'a', '\uD800'}, SALT));
        assertThrows(IllegalArgumentException.class, () -> PasswordSecrets.prs(PASSWORD.clone(), new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> PasswordSecrets.of(prs, new byte[31]));
    }
}
