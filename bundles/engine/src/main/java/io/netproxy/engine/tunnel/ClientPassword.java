package io.netproxy.engine.tunnel;

import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
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
    /** The file of the cached parameters, or null without a state directory. */
    private final Path cache;
    /** The server as the tunnel names it (host:port): parameters cached for another server are not used. */
    private final String server;
    private volatile ParametersExchange.ServerParameters parameters;
    private volatile PasswordSecrets secrets;
    private volatile ParametersExchange.Request request;
    private volatile boolean saved;

    ClientPassword(char[] password, Path stateDir, String tunnelName, String server) {
        this.password = password.clone();
        this.cache = stateDir == null ? null : stateDir.resolve("server-parameters-" + tunnelName);
        this.server = server;
    }

    /** Derives the secrets from the cached parameters of this server, if there are any (Argon2id, half a second). */
    void useCached() {
        ParametersExchange.ServerParameters cached = readCache();
        if (cached != null) {
            use(cached);
            saved = true;
        }
    }

    /** The secrets of the server's parameters, or null until they are known. */
    PasswordSecrets secrets() {
        return secrets;
    }

    /** A parameters request (type 5); the one outstanding, so that a retry is answered by the same reply. */
    byte[] request() {
        ParametersExchange.Request outstanding = request;
        if (outstanding == null) request = outstanding = new ParametersExchange.Request();
        return outstanding.message();
    }

    /**
     * Checks a parameters reply against the outstanding request.
     *
     * @throws HandshakeException when it answers no request of ours or is malformed
     */
    ParametersExchange.ServerParameters accept(byte[] buf, int off, int len) throws HandshakeException {
        ParametersExchange.Request outstanding = request;
        if (outstanding == null) throw new HandshakeException(HandshakeException.UNEXPECTED_RESPONSE);
        ParametersExchange.ServerParameters reply = outstanding.consume(buf, off, len);
        request = null;
        return reply;
    }

    /** Whether these are the parameters the current secrets were derived from. */
    boolean isCurrent(ParametersExchange.ServerParameters reply) {
        ParametersExchange.ServerParameters current = parameters;
        return secrets != null && current != null && Arrays.equals(current.salt(), reply.salt())
                && Arrays.equals(current.serverPublicKey(), reply.serverPublicKey());
    }

    /** Derives the secrets of these parameters (Argon2id, half a second); logs when the server's key changed. */
    void use(ParametersExchange.ServerParameters reply) {
        ParametersExchange.ServerParameters before = parameters;
        if (before != null && !Arrays.equals(before.serverPublicKey(), reply.serverPublicKey())) {
            LOG.warn("the server {} has another static key than before (was {}, now {}); continuing only if the password"
                    + " authenticates it", server, base64(before.serverPublicKey()), base64(reply.serverPublicKey()));
        }
        byte[] prs = PasswordSecrets.prs(password, reply.salt());
        try {
            PasswordSecrets old = secrets;
            secrets = PasswordSecrets.of(prs, reply.serverPublicKey());
            parameters = reply;
            saved = false;
            if (old != null) old.wipe();
        } finally {
            Arrays.fill(prs, (byte) 0);
        }
    }

    /** A handshake under the current parameters succeeded: they are the server's, and kept. */
    void confirmed() {
        ParametersExchange.ServerParameters confirmed = parameters;
        if (saved || confirmed == null || cache == null) return;
        saved = true;
        Properties file = new Properties();
        file.setProperty("server", server);
        file.setProperty("salt", base64(confirmed.salt()));
        file.setProperty("key", base64(confirmed.serverPublicKey()));
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
        PasswordSecrets old = secrets;
        secrets = null;
        if (old != null) old.wipe();
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
