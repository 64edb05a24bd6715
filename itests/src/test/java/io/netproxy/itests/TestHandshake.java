package io.netproxy.itests;

import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Speaks the real password-mode handshake to a running server, as a client would (the parameters exchange, then types 7
 * and 8), and reports what the server chose.
 */
final class TestHandshake {
    private final char[] password;
    private final SecureRandom random = new SecureRandom();

    TestHandshake(char[] password) {
        this.password = password.clone();
    }

    /** Returns the cipher wire id the server picked, or -1 when a message went unanswered for two seconds. */
    int handshake(InetSocketAddress server, int... offeredCiphers) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            ParametersExchange.Request request = new ParametersExchange.Request();
            byte[] reply = exchange(socket, server, request.message());
            if (reply == null) return -1;
            ParametersExchange.ServerParameters parameters = request.consume(reply, 0, reply.length);
            PasswordSecrets secrets = PasswordSecrets.of(PasswordSecrets.prs(password.clone(), parameters.salt()),
                    parameters.serverPublicKey());
            byte[] clientId = new byte[16];
            random.nextBytes(clientId);
            Initiator initiator = Initiator.withPassword(StaticIdentity.generate(), secrets, random.nextInt() | 1,
                    new InitiationPayload(clientId, offeredCiphers));
            byte[] response = exchange(socket, server, initiator.initiation(System.currentTimeMillis()));
            if (response == null) return -1;
            return initiator.consumeResponse(response, 0, response.length).payload().cipherWireId();
        } catch (HandshakeException e) {
            throw new IOException("the server's answer was rejected: " + e.reason());
        }
    }

    /** Sends {@code message} and returns the answer, or null when none came. */
    private static byte[] exchange(DatagramSocket socket, InetSocketAddress server, byte[] message) throws IOException {
        socket.send(new DatagramPacket(message, message.length, server));
        byte[] buffer = new byte[2048];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(answer);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, answer.getLength());
    }
}
