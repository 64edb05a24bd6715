package io.netproxy.engine.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the initiator tells the responder inside the encrypted initiation: who it is among clients that
 * share a static key (password mode), and the data cipher suites it has, in order of preference.
 *
 * @param clientId 16 bytes chosen once per client installation
 * @param cipherWireIds 1 to {@value #MAX_CIPHERS} suite wire ids (1..255), see PROTOCOL.md
 */
public record InitiationPayload(byte[] clientId, int[] cipherWireIds) {
    public static final int CLIENT_ID_LENGTH = 16;
    public static final int MAX_CIPHERS = 8;

    public InitiationPayload {
        if (clientId == null || clientId.length != CLIENT_ID_LENGTH) {
            throw new IllegalArgumentException("the client id has " + CLIENT_ID_LENGTH + " bytes");
        }
        if (cipherWireIds == null || cipherWireIds.length == 0 || cipherWireIds.length > MAX_CIPHERS) {
            throw new IllegalArgumentException("1 to " + MAX_CIPHERS + " cipher suites");
        }
        for (int id : cipherWireIds) {
            if (id < 1 || id > 255) {
                throw new IllegalArgumentException("cipher wire ids are 1..255");
            }
        }
        clientId = clientId.clone();
        cipherWireIds = cipherWireIds.clone();
    }

    /** Whether the initiator offered this suite. */
    public boolean offers(int cipherWireId) {
        for (int id : cipherWireIds) {
            if (id == cipherWireId) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InitiationPayload that
                && Arrays.equals(clientId, that.clientId) && Arrays.equals(cipherWireIds, that.cipherWireIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(clientId) + Arrays.hashCode(cipherWireIds);
    }

    @Override
    public String toString() {
        return "InitiationPayload[clientId=" + HexFormat.of().formatHex(clientId)
                + ", cipherWireIds=" + Arrays.toString(cipherWireIds) + "]";
    }
}
