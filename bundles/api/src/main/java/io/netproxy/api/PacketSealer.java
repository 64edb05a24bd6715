package io.netproxy.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Encrypts packets of one direction in place. Not thread-safe: each sending thread uses its own.
 * The nonce is derived from the 64-bit counter, which the caller never reuses for one key.
 */
@ConsumerType
public interface PacketSealer extends AutoCloseable {
    /**
     * Encrypts {@code buf[off .. off+len)} in place and writes the tag right after it.
     *
     * @param aad bytes authenticated but not encrypted ({@code buf[aadOff .. aadOff+aadLen)})
     * @return the sealed length, {@code len + tagLength()}
     */
    int seal(long counter, byte[] buf, int aadOff, int aadLen, int off, int len);

    /** Wipes the key. */
    @Override
    void close();
}
