package io.netproxy.launcher;

import java.util.logging.LogManager;

/**
 * The JDK resets logging in its own shutdown hook, racing the hook that stops the tunnels: what they log
 * while reverting routes and rules would be lost. This manager ignores a reset during shutdown (the
 * console handler flushes every record anyway). Selected with {@code -Djava.util.logging.manager}.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        if (!shuttingDown()) super.reset();
    }

    /** The JVM refuses new shutdown hooks once shutdown has begun. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
