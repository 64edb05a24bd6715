package io.netproxy.engine;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The engine's tunables, configuration PID {@code io.netproxy.engine} ({@code etc/io.netproxy.engine.cfg}).
 * An edit applies to what starts afterwards: tunnels started later (their handshake rate limit and default MTU),
 * the next transport that goes away, the next command that waits for plugins. A bad value (out of range, or not a
 * number) is logged and the engine keeps all of its settings.
 */
@ObjectClassDefinition(id = EngineConfiguration.PID, name = "netproxy engine",
        description = "Tunables of the tunnel engine; an edit applies to tunnels started afterwards")
public @interface EngineConfiguration {
    String PID = "io.netproxy.engine";

    @AttributeDefinition(description = "Handshake initiations a server answers per second from one source address"
            + " (after the cheap mac1 check), 1 to 10000; default 20")
    int handshakesPerSecond() default 20;

    @AttributeDefinition(description = "Initiations one source address may send in a burst, 1 to 100000; default 40")
    int handshakeBurst() default 40;

    @AttributeDefinition(description = "A server's TUN MTU in bytes when its tunnel names none, 576 to 9000; default 1400")
    int defaultMtu() default 1400;

    @AttributeDefinition(description = "A server's threads per direction of its data path, 0 to 64: endpoints per"
            + " transport on its port, among which the kernel spreads the clients (SO_REUSEPORT), and queues of its TUN"
            + " device, among which it spreads the flows, each read by a thread of its own; 0 for one per CPU, at most 8;"
            + " default 0")
    int dataThreads() default 0;

    @AttributeDefinition(description = "Seconds a tunnel whose transport, TUN backend or configurator went away (a bundle"
            + " being updated) waits for it to come back before it moves to another (a transport nothing replaces stops"
            + " the tunnel), 0 to 3600; default 30")
    int transportGraceSeconds() default 30;

    @AttributeDefinition(description = "Seconds a command waits for plugins that are still being installed at boot,"
            + " 0 to 600; default 10")
    int pluginWaitSeconds() default 10;
}
