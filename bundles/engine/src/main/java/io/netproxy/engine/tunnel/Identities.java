package io.netproxy.engine.tunnel;

import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.engine.protocol.PasswordCredential;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The keys a tunnel authenticates with. Key mode: the configured private key and its peers' keys. Password mode: a
 * random static key of its own, kept in the state directory (a server's beside its random salt), or a server's from
 * its password credential; the password is
 * checked by CPace, so any client key may connect and a client learns the server's key from the parameters exchange.
 *
 * @param peerKeys key mode: a server's clients, a client's server; password mode: the server's key a client pins, if any
 * @param salt a password-mode server's per-deployment salt; null otherwise
 */
record Identities(StaticIdentity local, List<byte[]> peerKeys, boolean passwordMode, byte[] salt) {
    private static final int KEY_LENGTH = 32;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Identities.class);

    static Identities of(TunnelSpec spec, Path stateDir) {
        if (!spec.passwordMode()) {
            return new Identities(StaticIdentity.fromPrivateKey(spec.privateKey()), spec.peerPublicKeys(), false, null);
        }
        if (spec.passwordCredential() != null) {
            byte[] key = PasswordCredential.privateKey(spec.passwordCredential());
            try {
                return new Identities(StaticIdentity.fromPrivateKey(key), List.of(), true,
                        PasswordCredential.salt(spec.passwordCredential()));
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        if (spec.role() == TunnelSpec.Role.SERVER) {
            if (stateDir == null) {
                LOG.warn("tunnel {}: no state directory, so a new password-mode salt and key on every start: clients ask"
                        + " for them again each time", spec.name());
            }
            byte[] stored = StateSecrets.forTunnel(stateDir, "password-server-" + spec.name(),
                    PasswordSecrets.SALT_LENGTH + KEY_LENGTH, "password-mode salt and server key");
            byte[] key = Arrays.copyOfRange(stored, PasswordSecrets.SALT_LENGTH, stored.length);
            try {
                return new Identities(StaticIdentity.fromPrivateKey(key), List.of(), true,
                        Arrays.copyOf(stored, PasswordSecrets.SALT_LENGTH));
            } finally {
                Arrays.fill(key, (byte) 0);
                Arrays.fill(stored, (byte) 0);
            }
        }
        byte[] key = StateSecrets.forTunnel(stateDir, "password-client-" + spec.name(), KEY_LENGTH, "password-mode client key");
        try {
            // the server's key, when the client pins it
            return new Identities(StaticIdentity.fromPrivateKey(key), spec.peerPublicKeys(), true, null);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(local.publicKey());
    }

    /** Key mode: whether a client with this key may connect (password mode's responder allows any). */
    boolean allows(byte[] publicKey) {
        for (byte[] key : peerKeys) {
            if (java.security.MessageDigest.isEqual(key, publicKey)) return true;
        }
        return false;
    }
}
