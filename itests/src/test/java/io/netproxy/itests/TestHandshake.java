package io.netproxy.itests;

import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.PasswordCredentials;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;

/** Speaks the real handshake to a running server, as a client would, and reports what the server chose. */
final class TestHandshake {
    private final PasswordCredentials credentials;
    private final SecureRandom random = new SecureRandom();

    TestHandshake(char[] password) {
        this.credentials = PasswordCredentials.derive(password);
    }

    /** Returns the cipher wire id the server picked, or -1 when no valid response came within two seconds. */
    int handshake(InetSocketAddress server, int... offeredCiphers) throws IOException {
        byte[] clientId = new byte[16];
        random.nextBytes(clientId);
        int index = random.nextInt() | 1;
        Initiator initiator = new Initiator(credentials.clientIdentity(), credentials.serverIdentity().publicKey(),
                credentials.psk(), index, new InitiationPayload(clientId, offeredCiphers));
        byte[] initiation = initiator.initiation(System.currentTimeMillis());
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            socket.send(new DatagramPacket(initiation, initiation.length, server));
            byte[] buffer = new byte[2048];
            DatagramPacket response = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(response);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            try {
                return initiator.consumeResponse(Arrays.copyOf(buffer, response.getLength()), 0, response.getLength())
                        .payload().cipherWireId();
            } catch (io.netproxy.engine.protocol.HandshakeException e) {
                throw new IOException("the server's response was rejected: " + e.reason());
            }
        }
    }
}
