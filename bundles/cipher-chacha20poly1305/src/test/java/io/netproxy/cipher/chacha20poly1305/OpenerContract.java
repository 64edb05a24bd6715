package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.testkit.CipherSuiteContract;

/** The contract of every packet cipher with one of the two openers, whichever this JDK would get. */
abstract class OpenerContract extends CipherSuiteContract {
    OpenerContract(OpenerKind kind) {
        super(new ChaCha20Poly1305Suite(), kind::create, kind.survivesAForgery());
    }
}
