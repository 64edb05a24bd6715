package io.netproxy.engine.tunnel;

import io.netproxy.api.tunnel.TunnelSpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Everything in a spec that a running tunnel cannot change without a restart, in a form that can be compared
 * and kept. The secret is kept only as a MAC under a key that lives in this process's memory alone, so neither
 * the password nor anything to guess it from offline stays with the tunnel. What is left out (a server's pushed
 * routes and DNS, and which transport, cipher suites, TUN backend and network configurator it uses) can change in
 * place.
 */
final class FixedSettings {
    private static final byte[] PROCESS_KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(PROCESS_KEY);
    }

    private final List<Object> values;

    private FixedSettings(List<Object> values) {
        this.values = values;
    }

    static FixedSettings of(TunnelSpec spec) {
        return new FixedSettings(Arrays.asList(spec.name(), spec.role(), spec.host(), spec.port(), secretMac(spec),
                spec.peerPublicKeys().stream().map(Base64.getEncoder()::encodeToString).toList(), spec.pool(), spec.pool6(),
                spec.egress(), spec.routes(), spec.noDns(), spec.killSwitch(), spec.allowLan(), spec.mtu(), spec.tunName(), spec.handshakeTimeoutSeconds()));
    }

    private static String secretMac(TunnelSpec spec) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(PROCESS_KEY, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
        if (spec.password() != null) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(spec.password()));
            mac.update(bytes.duplicate());
            Arrays.fill(bytes.array(), (byte) 0);
            return "password " + Base64.getEncoder().encodeToString(mac.doFinal());
        }
        if (spec.passwordCredential() != null) {
            return "credential " + Base64.getEncoder().encodeToString(mac.doFinal(spec.passwordCredential()));
        }
        return "key " + Base64.getEncoder().encodeToString(mac.doFinal(spec.privateKey()));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FixedSettings that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "FixedSettings[" + values.get(0) + "]"; // never the secret's MAC
    }
}
