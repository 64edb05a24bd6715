package io.netproxy.cipher.jce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netproxy.testkit.Hex;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CounterNonceTest {
    @Test
    void isNinetySixBits() {
        assertEquals(12, CounterNonce.LENGTH);
    }

    @Test
    void putsTheCounterLittleEndianAfterFourZeroBytes() {
        byte[] nonce = new byte[CounterNonce.LENGTH];
        CounterNonce.write(0x0807060504030201L, nonce);
        assertArrayEquals(Hex.bytes("00000000 0102030405060708"), nonce);
    }

    @Test
    void overwritesAllTwelveBytes() {
        byte[] nonce = new byte[CounterNonce.LENGTH];
        Arrays.fill(nonce, (byte) 0xff);
        CounterNonce.write(0, nonce);
        assertArrayEquals(new byte[CounterNonce.LENGTH], nonce);

        CounterNonce.write(-1L, nonce);
        assertArrayEquals(Hex.bytes("00000000 ffffffffffffffff"), nonce);
    }
}
