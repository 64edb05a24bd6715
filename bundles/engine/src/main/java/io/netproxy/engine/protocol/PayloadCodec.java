package io.netproxy.engine.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes and strictly decodes the fixed-size plaintexts carried inside the handshake messages. Fixed sizes
 * keep the message lengths constant (nothing about the payload leaks through the length) and unused slots
 * must be zero, so every valid payload has exactly one encoding.
 */
final class PayloadCodec {
    // Initiation plaintext: TAI64N timestamp, client id, cipher count, cipher ids padded to MAX_CIPHERS.
    private static final int CLIENT_ID_OFFSET = Tai64n.LENGTH;
    private static final int CIPHER_COUNT_OFFSET = CLIENT_ID_OFFSET + InitiationPayload.CLIENT_ID_LENGTH;
    private static final int CIPHERS_OFFSET = CIPHER_COUNT_OFFSET + 1;
    static final int INITIATION_PLAINTEXT_LENGTH = CIPHERS_OFFSET + InitiationPayload.MAX_CIPHERS;

    // Response plaintext: cipher, client address and prefix, server address, MTU, keepalive, routes, DNS.
    private static final int ROUTE_LENGTH = 5;
    private static final int ROUTE_COUNT_OFFSET = 1 + 4 + 1 + 4 + 2 + 2;
    private static final int ROUTES_OFFSET = ROUTE_COUNT_OFFSET + 1;
    private static final int DNS_COUNT_OFFSET = ROUTES_OFFSET + ResponsePayload.MAX_ROUTES * ROUTE_LENGTH;
    private static final int DNS_OFFSET = DNS_COUNT_OFFSET + 1;
    static final int RESPONSE_PLAINTEXT_LENGTH = DNS_OFFSET + ResponsePayload.MAX_DNS * 4;

    private PayloadCodec() {
    }

    /** A decoded initiation plaintext; the timestamp is in {@link Tai64n#read} form. */
    record DecodedInitiation(long timestamp, InitiationPayload payload) {
    }

    static byte[] encodeInitiation(long nowEpochMillis, InitiationPayload payload) {
        byte[] out = new byte[INITIATION_PLAINTEXT_LENGTH];
        Tai64n.write(nowEpochMillis, out, 0);
        System.arraycopy(payload.clientId(), 0, out, CLIENT_ID_OFFSET, InitiationPayload.CLIENT_ID_LENGTH);
        int[] ciphers = payload.cipherWireIds();
        out[CIPHER_COUNT_OFFSET] = (byte) ciphers.length;
        for (int i = 0; i < ciphers.length; i++) {
            out[CIPHERS_OFFSET + i] = (byte) ciphers[i];
        }
        return out;
    }

    static DecodedInitiation decodeInitiation(byte[] in) throws HandshakeException {
        long timestamp = Tai64n.read(in, 0);
        int count = in[CIPHER_COUNT_OFFSET] & 0xFF;
        if (timestamp < 0 || count < 1 || count > InitiationPayload.MAX_CIPHERS
                || !allZero(in, CIPHERS_OFFSET + count, INITIATION_PLAINTEXT_LENGTH)) {
            throw badPayload();
        }
        int[] ciphers = new int[count];
        for (int i = 0; i < count; i++) {
            ciphers[i] = in[CIPHERS_OFFSET + i] & 0xFF;
            if (ciphers[i] == 0) {
                throw badPayload();
            }
        }
        byte[] clientId = Arrays.copyOfRange(in, CLIENT_ID_OFFSET, CLIENT_ID_OFFSET + InitiationPayload.CLIENT_ID_LENGTH);
        return new DecodedInitiation(timestamp, new InitiationPayload(clientId, ciphers));
    }

    static byte[] encodeResponse(ResponsePayload payload) {
        byte[] out = new byte[RESPONSE_PLAINTEXT_LENGTH];
        out[0] = (byte) payload.cipherWireId();
        System.arraycopy(payload.clientAddress(), 0, out, 1, 4);
        out[5] = (byte) payload.prefixLength();
        System.arraycopy(payload.serverTunnelAddress(), 0, out, 6, 4);
        writeShortLE(payload.mtu(), out, 10);
        writeShortLE(payload.keepaliveSeconds(), out, 12);
        List<Route> routes = payload.routes();
        out[ROUTE_COUNT_OFFSET] = (byte) routes.size();
        for (int i = 0; i < routes.size(); i++) {
            int at = ROUTES_OFFSET + i * ROUTE_LENGTH;
            System.arraycopy(routes.get(i).address(), 0, out, at, 4);
            out[at + 4] = (byte) routes.get(i).prefixLength();
        }
        List<byte[]> dns = payload.dns();
        out[DNS_COUNT_OFFSET] = (byte) dns.size();
        for (int i = 0; i < dns.size(); i++) {
            System.arraycopy(dns.get(i), 0, out, DNS_OFFSET + i * 4, 4);
        }
        return out;
    }

    static ResponsePayload decodeResponse(byte[] in) throws HandshakeException {
        int routeCount = in[ROUTE_COUNT_OFFSET] & 0xFF;
        int dnsCount = in[DNS_COUNT_OFFSET] & 0xFF;
        if (routeCount > ResponsePayload.MAX_ROUTES || dnsCount > ResponsePayload.MAX_DNS
                || !allZero(in, ROUTES_OFFSET + routeCount * ROUTE_LENGTH, DNS_COUNT_OFFSET)
                || !allZero(in, DNS_OFFSET + dnsCount * 4, RESPONSE_PLAINTEXT_LENGTH)) {
            throw badPayload();
        }
        List<Route> routes = new ArrayList<>(routeCount);
        List<byte[]> dns = new ArrayList<>(dnsCount);
        try {
            for (int i = 0; i < routeCount; i++) {
                int at = ROUTES_OFFSET + i * ROUTE_LENGTH;
                routes.add(new Route(Arrays.copyOfRange(in, at, at + 4), in[at + 4] & 0xFF));
            }
            for (int i = 0; i < dnsCount; i++) {
                dns.add(Arrays.copyOfRange(in, DNS_OFFSET + i * 4, DNS_OFFSET + i * 4 + 4));
            }
            // The record's constructor enforces the value ranges (cipher id, prefix lengths, MTU).
            return new ResponsePayload(in[0] & 0xFF, Arrays.copyOfRange(in, 1, 5), in[5] & 0xFF,
                    Arrays.copyOfRange(in, 6, 10), readShortLE(in, 10), readShortLE(in, 12), routes, dns);
        } catch (IllegalArgumentException e) {
            throw badPayload();
        }
    }

    private static HandshakeException badPayload() {
        return new HandshakeException(HandshakeException.BAD_PAYLOAD);
    }

    private static boolean allZero(byte[] in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void writeShortLE(int value, byte[] out, int off) {
        out[off] = (byte) value;
        out[off + 1] = (byte) (value >>> 8);
    }

    private static int readShortLE(byte[] in, int off) {
        return (in[off] & 0xFF) | (in[off + 1] & 0xFF) << 8;
    }
}
