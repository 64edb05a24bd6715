package io.netproxy.launcher;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop rather than the JVM's own handling, which runs the shutdown hooks and then
 * exits with 143 or 130: a service manager counts that as a failure, where {@code run} stops its tunnels, reverts
 * their host changes and exits 0.
 */
final class StopSignals {
    private StopSignals() {}

    static void onStop(Runnable request) {
        Signal.handle(new Signal("TERM"), signal -> request.run());
        Signal.handle(new Signal("INT"), signal -> request.run());
    }
}
