package io.netproxy.cipher.chacha20poly1305;

import io.netproxy.api.PacketOpener;

/** Both opener implementations, so that every test runs against each on any JDK. */
enum OpenerKind {
    SUNJCE {
        @Override
        PacketOpener create(byte[] key) {
            return new SunJceChaChaOpener(key);
        }

        @Override
        int open(PacketOpener opener, byte[] nonce, byte[] buf, int aadOff, int aadLen, int off, int len) {
            return ((SunJceChaChaOpener) opener).open(nonce, buf, aadOff, aadLen, off, len);
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
}
