package io.netproxy.engine.tunnel;

import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.PasswordCredentials;
import io.netproxy.engine.protocol.StaticIdentity;
import java.util.Base64;
import java.util.List;

/** The keys a tunnel authenticates with, from either a private key and peer keys or a password. */
record Identities(StaticIdentity local, List<byte[]> peerKeys, byte[] psk, boolean passwordMode) {

    static Identities of(TunnelSpec spec) {
        if (spec.password() != null) {
            PasswordCredentials credentials = PasswordCredentials.derive(spec.password());
            boolean server = spec.role() == TunnelSpec.Role.SERVER;
            StaticIdentity local = server ? credentials.serverIdentity() : credentials.clientIdentity();
            StaticIdentity peer = server ? credentials.clientIdentity() : credentials.serverIdentity();
            return new Identities(local, List.of(peer.publicKey()), credentials.psk(), true);
        }
        return new Identities(StaticIdentity.fromPrivateKey(spec.privateKey()), spec.peerPublicKeys(), new byte[32], false);
    }

    String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(local.publicKey());
    }

    boolean allows(byte[] publicKey) {
        for (byte[] key : peerKeys) {
            if (java.security.MessageDigest.isEqual(key, publicKey)) return true;
        }
        return false;
    }
}
