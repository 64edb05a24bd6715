package io.netproxy.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An AEAD used for data packets, registered as a service with {@code netproxy.cipher=<name()>}.
 * Both sides list the suites they have installed in the handshake and the responder picks one.
 */
@ConsumerType
public interface CipherSuite {
    /** Service property that names the suite. */
    String PROPERTY = "netproxy.cipher";

    /** Stable name, e.g. {@code chacha20-poly1305}. */
    String name();

    /** Identifier on the wire (1..255), unique among suites; see PROTOCOL.md for the registry. */
    int wireId();

    /** Key length in bytes. */
    int keyLength();

    /** Authentication tag length in bytes, appended to each sealed packet. */
    int tagLength();

    /** A sealer for one direction of one session. The key is copied; callers wipe theirs. */
    PacketSealer newSealer(byte[] key);

    /** An opener for one direction of one session. The key is copied; callers wipe theirs. */
    PacketOpener newOpener(byte[] key);
}
