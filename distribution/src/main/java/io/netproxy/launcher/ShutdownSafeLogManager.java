package io.netproxy.launcher;

import java.util.logging.LogManager;

/**
 * The JDK resets logging in its own shutdown hook, racing the hook that stops the tunnels: what they log
 * while reverting routes and rules would be lost. This manager ignores that reset; handlers are flushed
 * by the JVM's exit anyway. Selected with {@code -Djava.util.logging.manager}.
 */
public final class ShutdownSafeLogManager extends LogManager {
    private volatile boolean shuttingDown;

    public ShutdownSafeLogManager() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shuttingDown = true));
    }

    @Override
    public void reset() {
        if (!shuttingDown) super.reset();
    }
}
