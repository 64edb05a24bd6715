package io.netproxy.engine.tunnel;

import io.netproxy.api.tunnel.TunnelSpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything in a spec that a running tunnel cannot change without a restart, in a form that can be compared
 * and kept: the secret only as a digest, so a tunnel never holds on to its password or private key for this.
 * What is left out (a server's pushed routes and DNS) can change in place.
 */
record FixedSettings(List<Object> values) {
    static FixedSettings of(TunnelSpec spec) {
        return new FixedSettings(Arrays.asList(spec.name(), spec.role(), spec.host(), spec.port(), secretDigest(spec),
                spec.peerPublicKeys().stream().map(Base64.getEncoder()::encodeToString).toList(), spec.pool(),
                spec.egress(), spec.routes(), spec.mtu(), spec.tunName(), spec.transport(), spec.tunBackend(),
                spec.netconf(), spec.ciphers(), spec.handshakeTimeoutSeconds()));
    }

    private static String secretDigest(TunnelSpec spec) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (spec.password() != null) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(spec.password()));
            sha.update(bytes.duplicate());
            Arrays.fill(bytes.array(), (byte) 0);
            return "password " + HexFormat.of().formatHex(sha.digest());
        }
        return "key " + HexFormat.of().formatHex(sha.digest(spec.privateKey()));
    }
}
