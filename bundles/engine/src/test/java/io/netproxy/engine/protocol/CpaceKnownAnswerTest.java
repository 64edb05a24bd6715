package io.netproxy.engine.protocol;

import static io.netproxy.engine.protocol.Fixtures.assertReason;
import static io.netproxy.engine.protocol.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The test vectors of draft-irtf-cfrg-cpace (editor's copy 8fb4056, appendix "Test vector for CPace using group X25519
 * and hash SHA-512", and the string utilities), computed by the draft's authors, not by this code. They also pin
 * BouncyCastle's Elligator 2 coordinate convention, which its documentation does not state.
 */
class CpaceKnownAnswerTest {
    private static final byte[] PRS = ascii("Password");
    private static final byte[] CI = hex("0b415f696e69746961746f720b425f726573706f6e646572");
    private static final byte[] SID = hex("7e4b4791d6a8ef019b936c79fb7f2c57");
    private static final byte[] GENERATOR = hex("d04bf6d41f6a289632a2e929fa29bebd51092512a7829fdde7d314b62f05a73f");
    private static final byte[] YA_SCALAR = hex("21b4f4bd9e64ed355c3eb676a28ebedaf6d8f17bdc365995b319097153044080");
    private static final byte[] YB_SCALAR = hex("848b0779ff415f0af4ea14df9dd1d3c29ac41d836c7808896c4eba19c51ac40a");
    private static final byte[] YA = hex("1d13c89278cdadd826f6d8d7f887701430f8380ddc17611cdd6dc989ce0c9f32");
    private static final byte[] YB = hex("248cccf6d5cdc3646f0ad593f9e6cef4e69d4945f8372e623512ecea32185623");
    private static final byte[] K = hex("5b067effbdc0b2a0e1d907b21ebb25cfedb96a852179a847c37e43ee71322c6b");

    /** The draft's prepend_len vectors: lv_cat of one part is prepend_len. */
    @Test
    void prependLengthIsLeb128() {
        assertArrayEquals(hex("00"), Cpace.lvCat(new byte[0]));
        assertArrayEquals(hex("0431323334"), Cpace.lvCat(ascii("1234")));
        assertArrayEquals(concat(hex("7f"), range(127)), Cpace.lvCat(range(127)));
        assertArrayEquals(concat(hex("8001"), range(128)), Cpace.lvCat(range(128)));
    }

    @Test
    void lvCat() {
        assertArrayEquals(hex("043132333401350003363738"),
                Cpace.lvCat(ascii("1234"), ascii("5"), new byte[0], ascii("678")));
    }

    @Test
    void generatorString() {
        assertArrayEquals(hex("0843506163653235350850617373776f72646d" + "00".repeat(109)
                        + "180b415f696e69746961746f720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f2c57"),
                Cpace.generatorString(PRS, CI, SID));
    }

    @Test
    void generator() {
        assertArrayEquals(GENERATOR, Cpace.generator(PRS, CI, SID));
    }

    @Test
    void sharesAndTheSecretPoint() throws Exception {
        assertArrayEquals(YA, Cpace.share(YA_SCALAR, GENERATOR));
        assertArrayEquals(YB, Cpace.share(YB_SCALAR, GENERATOR));
        assertArrayEquals(K, NoiseCrypto.dh(YA_SCALAR, YB));
        assertArrayEquals(K, NoiseCrypto.dh(YB_SCALAR, YA));
    }

    @Test
    void iskOfTheInitiatorResponderOrder() {
        assertArrayEquals(hex("6e19b875f7a561d6b3ca3dbb9ef42ac55de3e717881018204b8922b4d5e53bb2"
                        + "aa82c300bea7b65d2b671da71922ddf6472301b79bc270adfa8bf413285f2263"),
                Cpace.isk(SID, K, YA, ascii("ADa"), YB, ascii("ADb")));
    }

    /** Low-order points, also with bit 255 set: u0..u5 and u7 must abort, the others give the draft's results. */
    @Test
    void lowOrderSharesAreRejected() {
        byte[] scalar = hex("af46e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449aff");
        String[] aborting = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        };
        for (String u : aborting) {
            assertReason(HandshakeException.BAD_KEY, () -> Cpace.isk(scalar, hex(u), YA, YB));
        }
        String[][] accepted = {
            {"daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
             "d8e2c776bbacd510d09fd9278b7edcd25fc5ae9adfba3b6e040e8d3b71b21806"},
            {"dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
             "c85c655ebe8be44ba9c0ffde69f2fe10194458d137f09bbff725ce58803cdb38"},
            {"d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
             "db64dafa9b8fdd136914e61461935fe92aa372cb056314e1231bc4ec12417456"},
            {"cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
             "e062dcd5376d58297be2618c7498f55baa07d7e03184e8aada20bca28888bf7a"},
            {"4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
             "993c6ad11c4c29da9a56f7691fd0ff8d732e49de6250b6c2e80003ff4629a175"},
        };
        for (String[] pair : accepted) {
            assertArrayEquals(hex(pair[1]), assertDoesNotAbort(scalar, hex(pair[0])), pair[0]);
        }
    }

    private static byte[] assertDoesNotAbort(byte[] scalar, byte[] u) {
        try {
            return NoiseCrypto.dh(scalar, u);
        } catch (HandshakeException e) {
            throw new AssertionError("rejected " + java.util.HexFormat.of().formatHex(u), e);
        }
    }

    private static byte[] range(int length) {
        return Fixtures.bytes(0, length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
