package io.netproxy.engine.tunnel;

/**
 * The engine's tunables a tunnel starts with (see {@code EngineConfiguration}).
 *
 * @param handshakesPerSecond initiations answered per second from one source address
 * @param handshakeBurst      initiations one source address may send at once
 * @param defaultMtu          a server's TUN MTU when its spec names none
 * @param dataThreads      a server's threads per direction: endpoints per transport (the kernel spreads the clients
 *                            among them) and queues of its TUN device (it spreads the flows), each with a reader
 */
public record Tunables(int handshakesPerSecond, int handshakeBurst, int defaultMtu, int dataThreads) {
    /** The receiving threads a server has unless told otherwise: one per CPU, at most this many. */
    public static final int MAX_DEFAULT_DATA_THREADS = 8;
    public static final Tunables DEFAULTS = new Tunables(20, 40, 1400, defaultDataThreads());

    public Tunables {
        if (dataThreads < 1) throw new IllegalArgumentException("dataThreads " + dataThreads + " < 1");
    }

    /** One per CPU this JVM may use, at most {@link #MAX_DEFAULT_DATA_THREADS}. */
    public static int defaultDataThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_DEFAULT_DATA_THREADS);
    }
}
