package io.netproxy.api;

import org.osgi.annotation.versioning.ConsumerType;

/** Decrypts and authenticates packets of one direction in place. Not thread-safe. */
@ConsumerType
public interface PacketOpener extends AutoCloseable {
    /**
     * Authenticates and decrypts {@code buf[off .. off+len)} (ciphertext followed by the tag) in place.
     *
     * @return the plaintext length, or -1 when the packet is not authentic (the buffer is then undefined)
     */
    int open(long counter, byte[] buf, int aadOff, int aadLen, int off, int len);

    /** Wipes the key. */
    @Override
    void close();
}
