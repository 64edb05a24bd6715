package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.api.PacketOpener;
import io.netproxy.cipher.jce.JceAeadOpener;

/** Both opener implementations, so that every test runs against each on any JDK. */
enum OpenerKind {
    SUNJCE {
        @Override
        PacketOpener create(byte[] key) {
            return new JceAeadOpener(ChaCha20Poly1305Suite.SPEC, key);
        }

        @Override
        int open(PacketOpener opener, byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
            return ((JceAeadOpener) opener).open(nonce, buf, aadOff, aadLen, off, len);
        }

        @Override
        boolean survivesAForgery() {
            // Older SunJCE refuses to decrypt twice with one nonce, which is why the suite uses BouncyCastle there.
            return Runtime.version().feature() >= 21;
        }
    },
    BOUNCY_CASTLE {
        @Override
        PacketOpener create(byte[] key) {
            return new BouncyCastleChaChaOpener(key);
        }

        @Override
        int open(PacketOpener opener, byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
            return ((BouncyCastleChaChaOpener) opener).open(nonce, buf, aadOff, aadLen, off, len);
        }
    };

    abstract PacketOpener create(byte[] key);

    /** Opens with an explicit nonce. */
    abstract int open(PacketOpener opener, byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len);

    /** Whether a forgery carrying a counter leaves the genuine packet with that counter openable. */
    boolean survivesAForgery() {
        return true;
    }
}
