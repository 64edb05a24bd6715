package io.netproxy.engine.protocol;

import java.util.Arrays;

/**
 * The outcome of a handshake: one 32-byte key per direction and the index pair that names the session.
 * The record owns its arrays (accessors return them, not copies) so that {@link #wipe()} really erases the
 * keys once the cipher suite has made its sealer and opener.
 *
 * @param sendKey key for packets this side sends
 * @param receiveKey key for packets this side receives
 * @param localIndex the index the peer writes as receiver index in packets to this side
 * @param remoteIndex the index this side writes as receiver index in packets to the peer
 */
public record SessionKeys(byte[] sendKey, byte[] receiveKey, int localIndex, int remoteIndex) {
    /** Overwrites both keys with zeros. */
    public void wipe() {
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "SessionKeys[localIndex=" + Integer.toUnsignedString(localIndex)
                + ", remoteIndex=" + Integer.toUnsignedString(remoteIndex) + "]";
    }
}
