package io.netproxy.engine.tunnel;

/**
 * The engine's tunables a tunnel starts with (see {@code EngineConfiguration}).
 *
 * @param handshakesPerSecond initiations answered per second from one source address
 * @param handshakeBurst      initiations one source address may send at once
 * @param defaultMtu          a server's TUN MTU when its spec names none
 */
public record Tunables(int handshakesPerSecond, int handshakeBurst, int defaultMtu) {
    public static final Tunables DEFAULTS = new Tunables(20, 40, 1400);
}
