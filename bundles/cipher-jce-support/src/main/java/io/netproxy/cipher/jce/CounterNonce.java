package io.netproxy.cipher.jce;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The 96-bit nonce of a data packet: 4 zero bytes, then the 64-bit counter little-endian (as in WireGuard). */
public final class CounterNonce {
    public static final int LENGTH = 12;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private CounterNonce() {
    }

    /** Overwrites all 12 bytes of {@code nonce} with the nonce for {@code counter}. */
    public static void write(long counter, byte[] nonce) {
        INT_LE.set(nonce, 0, 0);
        LONG_LE.set(nonce, 4, counter);
    }
}
