package io.netproxy.cipher.chacha20poly1305;

/** SunJCE's opener, which the suite uses from JDK 21. */
class SunJceOpenerTest extends OpenerContract {
    SunJceOpenerTest() {
        super(OpenerKind.SUNJCE);
    }
}
