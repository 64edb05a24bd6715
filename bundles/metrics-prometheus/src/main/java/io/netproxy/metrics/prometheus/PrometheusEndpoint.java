package io.netproxy.metrics.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netproxy.api.tunnel.TunnelService;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} over HTTP with the JDK's own server when an address is configured; nothing listens
 * otherwise. Each scrape reads the engine's snapshots through {@link TunnelService}: no registry of its own, and no
 * cost on the packet path.
 */
@Component(immediate = true, configurationPid = MetricsConfiguration.PID)
@Designate(ocd = MetricsConfiguration.class)
public final class PrometheusEndpoint {
    private static final Logger log = LoggerFactory.getLogger(PrometheusEndpoint.class);
    private static final Path STATUS = Path.of("/proc/self/status");

    @Reference
    private TunnelService tunnels;

    private String frameworkAddress;
    private String serving;
    private HttpServer server;
    private ExecutorService executor;

    @Activate
    void activate(BundleContext context, MetricsConfiguration config) {
        frameworkAddress = context.getProperty(MetricsConfiguration.FRAMEWORK_PROPERTY);
        apply(config);
    }

    @Modified
    void modified(MetricsConfiguration config) {
        apply(config);
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private synchronized void apply(MetricsConfiguration config) {
        boolean fromCommandLine = frameworkAddress != null && !frameworkAddress.isBlank();
        String wanted = fromCommandLine ? frameworkAddress.strip() : config.address().strip();
        if (wanted.equals(serving == null ? "" : serving)) return;
        stop();
        if (wanted.isEmpty()) return;
        InetSocketAddress address;
        try {
            address = ListenAddress.parse(wanted);
        } catch (IllegalArgumentException e) {
            log.error("no metrics endpoint: {} (from {})", e.getMessage(),
                    fromCommandLine ? "--metrics" : "etc/" + MetricsConfiguration.PID + ".cfg");
            return;
        }
        try {
            HttpServer http = HttpServer.create(address, 8);
            http.createContext("/", this::handle);
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "netproxy-metrics");
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(executor);
            http.start();
            server = http;
            serving = wanted;
            log.info("serving Prometheus metrics on http://{}/metrics", format(http.getAddress()));
        } catch (IOException e) {
            if (executor != null) executor.shutdownNow();
            executor = null;
            log.error("no metrics endpoint: cannot listen on {}: {} (another process may hold the port; see"
                    + " 'ss -tlnp')", format(address), e.getMessage());
        }
    }

    private void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            log.info("metrics endpoint on {} closed", format(server.getAddress()));
        }
        server = null;
        executor = null;
        serving = null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, "text/plain; charset=utf-8", "netproxy serves its metrics on /metrics\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD only\n", method);
            } else {
                reply(exchange, 200, Exposition.CONTENT_TYPE, Exposition.render(tunnels.tunnels(), memory()), method);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body, String method)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (head) return;
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Exposition.Memory memory() {
        // asked at a scrape, not at activation: loading the JDK's management classes would delay every start, and most
        // instances are never scraped
        MemoryMXBean memoryBean = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memoryBean.getHeapMemoryUsage();
        MemoryUsage nonHeap = memoryBean.getNonHeapMemoryUsage();
        return new Exposition.Memory(heap.getUsed(), heap.getCommitted(), heap.getMax(), nonHeap.getUsed(),
                nonHeap.getCommitted(), residentBytes());
    }

    /** VmRSS of /proc/self/status, in bytes; -1 when it cannot be read. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).strip().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot read the resident memory from {}: {}", STATUS, e.toString());
        }
        return -1;
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
