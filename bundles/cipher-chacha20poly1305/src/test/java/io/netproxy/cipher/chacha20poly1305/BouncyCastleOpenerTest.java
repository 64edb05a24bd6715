package io.netproxy.cipher.chacha20poly1305;

/** BouncyCastle's opener, which the suite uses before JDK 21. */
class BouncyCastleOpenerTest extends OpenerContract {
    BouncyCastleOpenerTest() {
        super(OpenerKind.BOUNCY_CASTLE);
    }
}
