package io.netproxy.metrics.prometheus;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code io.netproxy.metrics} ({@code etc/io.netproxy.metrics.cfg}). The launcher's
 * {@code --metrics HOST:PORT} (framework property {@value #FRAMEWORK_PROPERTY}) takes precedence over it.
 */
@ObjectClassDefinition(id = MetricsConfiguration.PID, name = "netproxy Prometheus metrics",
        description = "Where the Prometheus metrics endpoint listens; off when no address is given")
public @interface MetricsConfiguration {
    String PID = "io.netproxy.metrics";
    String FRAMEWORK_PROPERTY = "netproxy.metrics";

    @AttributeDefinition(description = "HOST:PORT, [IPv6]:PORT or a PORT alone (then on 127.0.0.1) to serve"
            + " /metrics on; empty for no endpoint (the default). Bind beyond localhost only on purpose: the metrics"
            + " name peers and their traffic")
    String address() default "";
}
