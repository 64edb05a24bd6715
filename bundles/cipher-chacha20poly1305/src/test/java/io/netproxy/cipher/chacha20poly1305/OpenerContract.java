package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.cipher.jce.testing.PacketCipherContract;

/** The contract of every packet cipher with one of the two openers, whichever this JDK would get. */
abstract class OpenerContract extends PacketCipherContract {
    OpenerContract(OpenerKind kind) {
        super(new ChaCha20Poly1305Suite()::newSealer, kind::create, kind.survivesAForgery());
    }
}
