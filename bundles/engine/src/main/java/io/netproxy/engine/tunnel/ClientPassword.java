package io.netproxy.engine.tunnel;

import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a password-mode client knows of its server: the salt and static key of the parameters exchange (PROTOCOL.md
 * 4.5), kept in the state directory so that later connects skip the exchange, and the secrets derived from them and
 * the password. The parameters are saved only once a handshake under them succeeded: forged ones are never kept.
 */
final class ClientPassword {
    private static final Logger LOG = LoggerFactory.getLogger(ClientPassword.class);

    private final char[] password;
    private final byte[] pinnedKey;
    /** The file of the cached parameters, or null without a state directory. */
    private final Path cache;
    /** The server as the tunnel names it (host:port): parameters cached for another server are not used. */
    private final String server;
    /** The server's parameters and the secrets derived from them, replaced together; null until they are known. */
    private volatile Derived current;
    /** The parameters kept in the cache file (read from it, or proven and written), so that they are written once. */
    private Derived kept;
    /** The initiation last made, and the parameters it was made under: a response to it proves those, not others. */
    private Initiator issued;
    private Derived issuedUnder;
    private ParametersExchange.Request request;

    private record Derived(ParametersExchange.ServerParameters parameters, PasswordSecrets secrets) { }

    /**
     * @param pinnedKey the server's static key as the operator gave it ({@code --server-key}), or null to take the
     *                  key the server's parameters name (trust on first use, with a warning when it changes)
     */
    ClientPassword(char[] password, byte[] pinnedKey, Path stateDir, String tunnelName, String server) {
        this.password = password.clone();
        this.pinnedKey = pinnedKey == null ? null : pinnedKey.clone();
        this.cache = stateDir == null ? null : stateDir.resolve("server-parameters-" + tunnelName);
        this.server = server;
    }

    /** Derives the secrets from the cached parameters of this server, if there are any (Argon2id, half a second). */
    void useCached() {
        ParametersExchange.ServerParameters cached = readCache();
        if (cached == null) return;
        if (notPinned(cached) != null) {
            LOG.info("{} names another server key than the pinned one; asking the server", cache);
            return;
        }
        use(cached);
        synchronized (this) {
            kept = current;
        }
    }

    /** The secrets of the server's parameters, or null until they are known. */
    PasswordSecrets secrets() {
        Derived derived = current;
        return derived == null ? null : derived.secrets();
    }

    /** A parameters request (type 5); the one outstanding, so that a retry is answered by the same reply. */
    synchronized byte[] request() {
        if (request == null) request = new ParametersExchange.Request();
        return request.message();
    }

    /**
     * Checks a parameters reply against the outstanding request, which it uses up: of two replies that arrive at once
     * (one on each transport), one is taken.
     *
     * @throws HandshakeException when it answers no request of ours or is malformed
     */
    synchronized ParametersExchange.ServerParameters accept(byte[] buf, int off, int len) throws HandshakeException {
        if (request == null) throw new HandshakeException(HandshakeException.UNEXPECTED_RESPONSE);
        ParametersExchange.ServerParameters reply = request.consume(buf, off, len);
        request = null;
        return reply;
    }

    /** Why the server's parameters are refused, when they name another key than the pinned one; null when they do not. */
    String notPinned(ParametersExchange.ServerParameters reply) {
        if (pinnedKey == null || java.security.MessageDigest.isEqual(pinnedKey, reply.serverPublicKey())) return null;
        return "the server " + server + " has the key " + base64(reply.serverPublicKey()) + ", not the pinned key "
                + base64(pinnedKey) + " (--server-key): it was reinstalled, or someone answered in its place";
    }

    /** Whether these are the parameters the current secrets were derived from. */
    boolean isCurrent(ParametersExchange.ServerParameters reply) {
        Derived derived = current;
        return derived != null && Arrays.equals(derived.parameters().salt(), reply.salt())
                && Arrays.equals(derived.parameters().serverPublicKey(), reply.serverPublicKey());
    }

    /** Derives the secrets of these parameters (Argon2id, half a second); logs when the server's key changed. */
    void use(ParametersExchange.ServerParameters reply) {
        Derived before = current;
        if (before != null && pinnedKey == null && !Arrays.equals(before.parameters().serverPublicKey(), reply.serverPublicKey())) {
            LOG.warn("the server {} has another static key than before (was {}, now {}); continuing only if the password"
                    + " authenticates it", server, base64(before.parameters().serverPublicKey()), base64(reply.serverPublicKey()));
        }
        byte[] prs = PasswordSecrets.prs(password, reply.salt());
        Derived replaced;
        try {
            Derived derived = new Derived(reply, PasswordSecrets.of(prs, reply.serverPublicKey()));
            synchronized (this) {
                replaced = current;
                current = derived;
            }
        } finally {
            Arrays.fill(prs, (byte) 0);
        }
        if (replaced != null) replaced.secrets().wipe();
    }

    /** A password-mode initiation under the current parameters, which are remembered as its own. */
    synchronized Initiator initiator(StaticIdentity local, int index, InitiationPayload payload) {
        issued = Initiator.withPassword(local, current.secrets(), index, payload);
        issuedUnder = current;
        return issued;
    }

    /** A response to {@code initiator} opened: the parameters it was made under are the server's, and kept. */
    void confirmed(Initiator initiator) {
        Derived proven;
        synchronized (this) {
            if (initiator != issued || issuedUnder == kept || cache == null) return;
            proven = kept = issuedUnder;
        }
        Properties file = new Properties();
        file.setProperty("server", server);
        file.setProperty("salt", base64(proven.parameters().salt()));
        file.setProperty("key", base64(proven.parameters().serverPublicKey()));
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            file.store(text, "netproxy: the password-mode parameters of the server (public values)");
            StateSecrets.writeWhole(cache, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("cannot keep the server's parameters in {} ({}); the next connect asks again", cache, e.getMessage());
        }
    }

    /** Erases the password and the secrets; the tunnel stopped. */
    void wipe() {
        Arrays.fill(password, '\0');
        Derived old;
        synchronized (this) {
            old = current;
            current = null;
        }
        if (old != null) old.secrets().wipe();
    }

    private ParametersExchange.ServerParameters readCache() {
        if (cache == null || !Files.exists(cache)) return null;
        Properties file = new Properties();
        try (var in = Files.newBufferedReader(cache, StandardCharsets.UTF_8)) {
            file.load(in);
            if (!server.equals(file.getProperty("server"))) return null;
            byte[] salt = Base64.getDecoder().decode(file.getProperty("salt", ""));
            byte[] key = Base64.getDecoder().decode(file.getProperty("key", ""));
            if (salt.length != PasswordSecrets.SALT_LENGTH || key.length != 32) throw new IllegalArgumentException("lengths");
            return new ParametersExchange.ServerParameters(salt, key, ParametersExchange.VERSION, ParametersExchange.VERSION);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("{} does not hold a server's parameters ({}); asking the server again", cache, e.getMessage());
            return null;
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
