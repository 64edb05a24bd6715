package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint of the metrics-prometheus bundle in the real distribution: what it serves passes
 * {@code promtool check metrics}, and a real Prometheus server (Debian's package, run by pid inside the server's
 * namespace with a storage directory of its own) scrapes it and answers, through its HTTP query API, with byte
 * counters that grew by a checked transfer through the tunnel.
 */
class MetricsIT extends OnTopology {
    private static final int METRICS_PORT = 9586;
    private static final int PROMETHEUS_PORT = 9090;
    private static final long TRANSFER = 5_000_000;

    MetricsIT() {
        super('m');
    }

    @Test
    void prometheusScrapesTheServerAndSeesATransfer() throws Exception {
        // An optional tool, as nft is: the quick start's package list (which the pristine-root check installs) leaves it
        // out, and .ci/run installs it, so CI runs this test.
        Assumptions.assumeTrue(Prerequisites.onPath("prometheus") && Prerequisites.onPath("promtool"),
                "needs Prometheus and promtool (apt-get install prometheus)");
        Path password = topology.secret("password", "metrics password");
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24",
                "--metrics", "127.0.0.1:" + METRICS_PORT);
        Installation client = sharedInstallation("c1");
        // the detached client too, with a port alone: loopback of its own namespace
        Namespaces.Result connected = client.run(60, "connect", SERVER, "-d", "--password-file", password.toString(),
                "--metrics", Integer.toString(METRICS_PORT));
        assertTrue(connected.ok(), "connect failed: " + connected.output());
        assertTrue(scrape("c1", METRICS_PORT).contains(
                "netproxy_tunnel_info{tunnel=\"client\",role=\"client\",state=\"connected\""), "the client's endpoint");

        String scrape = scrape("srv", METRICS_PORT);
        assertTrue(scrape.contains("netproxy_active_sessions{tunnel=\"server\"} 1\n"), scrape);
        assertTrue(scrape.contains("# TYPE netproxy_handshake_duration_seconds histogram\n"), scrape);
        Path file = work.resolve("scrape.txt");
        Files.writeString(file, scrape);
        Namespaces.Result lint = Namespaces.run(List.of("bash", "-c", "promtool check metrics < \"$0\"", file.toString()));
        assertTrue(lint.ok() && lint.output().isBlank(), "promtool check metrics: " + lint.output() + "\n" + scrape);

        Process prometheus = startPrometheus("srv");
        try {
            String sent = "netproxy_sent_bytes_total{tunnel=\"server\"}";
            String peerSent = "sum(netproxy_peer_sent_bytes_total{tunnel=\"server\"})";
            Namespaces.waitFor(() -> value(query(sent)) >= 0, 30, "Prometheus to scrape the server");
            double before = value(query(sent));

            topology.checkedDownload("c1", TRANSFER);

            // the download's bytes left the server through the tunnel: the counter grew by at least as much
            Namespaces.waitFor(() -> value(query(sent)) - before >= TRANSFER, 30,
                    "Prometheus to see " + TRANSFER + " more bytes sent, from " + before);
            assertTrue(value(query(peerSent)) >= TRANSFER, "the peer's share: " + query(peerSent));
            assertTrue(value(query("netproxy_handshake_duration_seconds_count{tunnel=\"server\"}")) >= 1,
                    "a handshake was timed");
            assertEquals(1.0, value(query("up{job=\"netproxy\"}")), "the scrape target is up");
            String received = "netproxy_received_bytes_total{tunnel=\"client\"} ";
            String clientScrape = scrape("c1", METRICS_PORT);
            long clientReceived = clientScrape.lines().filter(l -> l.startsWith(received))
                    .mapToLong(l -> Long.parseLong(l.substring(received.length()))).findFirst().orElse(-1);
            assertTrue(clientReceived >= TRANSFER, "the client received the download: " + clientScrape);
        } finally {
            stop(prometheus);
        }
        assertTrue(client.run("disconnect").ok());
    }

    @Test
    void theConfigurationFileOpensTheEndpointOnLoopbackAndNothingListensWithoutIt() throws Exception {
        Installation server = installation("srv");
        String password = topology.secret("password", "metrics file").toString();
        server.serve("--password-file", password, "--pool", "198.18.0.0/24");
        assertFalse(listening("srv").contains(":" + METRICS_PORT), "off by default: " + listening("srv"));
        Namespaces.Result late = server.run("serve", "--password-file", password, "--port", "6768", "--metrics", "9587");
        assertEquals(2, late.exitCode(), late.output());
        assertTrue(late.output().contains("--metrics is for the instance that starts"), late.output());

        // a port alone: loopback, never every address
        server.configure("io.netproxy.metrics.cfg", "address = " + METRICS_PORT + "\n");
        Namespaces.waitFor(() -> listening("srv").contains(":" + METRICS_PORT), 30, "the endpoint of etc/");
        String sockets = listening("srv");
        assertTrue(sockets.matches("(?s).*(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1]):" + METRICS_PORT + "\\s.*"), sockets);
        assertTrue(scrape("srv", METRICS_PORT).contains("netproxy_tunnel_info{tunnel=\"server\",role=\"server\""));

        // an edit moves it; an address that cannot be used is logged with what is wrong
        server.configure("io.netproxy.metrics.cfg", "address = 127.0.0.1:" + (METRICS_PORT + 1) + "\n");
        Namespaces.waitFor(() -> listening("srv").contains(":" + (METRICS_PORT + 1))
                && !listening("srv").contains(":" + METRICS_PORT + " "), 30, "the endpoint to move");
        server.configure("io.netproxy.metrics.cfg", "address = 127.0.0.1:http-alt\n");
        Namespaces.waitFor(() -> server.log().contains("metrics address '127.0.0.1:http-alt': the port 'http-alt' is not a number"),
                30, "the bad address in the log");
        assertFalse(listening("srv").contains(":" + (METRICS_PORT + 1)), "the old endpoint is closed");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** The listening TCP sockets of a host's namespace. */
    private String listening(String host) throws Exception {
        return Namespaces.inNamespace(topology.ns(host), "ss", "-tlnH").output();
    }

    /** What a GET of {@code /metrics} returns, headers checked and removed. */
    private String scrape(String host, int port) throws Exception {
        String response = get(host, port, "/metrics");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.toLowerCase().contains("content-type: text/plain; version=0.0.4; charset=utf-8"), response);
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    /** A plain HTTP/1.0 GET from inside the host's namespace, where loopback is that namespace's own. */
    private String get(String host, int port, String path) throws Exception {
        Namespaces.Result result = tryGet(host, port, path);
        assertTrue(result.ok(), "GET " + path + " on port " + port + " in " + host + ": " + result.output());
        return result.output();
    }

    private Namespaces.Result tryGet(String host, int port, String path) throws Exception {
        return Namespaces.inNamespace(topology.ns(host), "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/$0; printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' \"$1\" >&3; cat <&3",
                Integer.toString(port), path);
    }

    /** Prometheus in the host's namespace, scraping its metrics endpoint every second, with storage in the test's directory. */
    private Process startPrometheus(String host) throws Exception {
        Path dir = Files.createDirectories(work.resolve("prometheus"));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: netproxy",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + METRICS_PORT + "']",
                ""));
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder("ip", "netns", "exec", topology.ns(host), "prometheus",
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + PROMETHEUS_PORT)
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            Namespaces.waitFor(() -> !process.isAlive()
                    || tryGet(host, PROMETHEUS_PORT, "/-/ready").output().matches("(?s)HTTP/1\\.[01] 200 .*"), 60,
                    "Prometheus to be ready");
            assertTrue(process.isAlive(), "Prometheus exited: " + Files.readString(log));
        } catch (Exception | AssertionError e) {
            stop(process);
            throw e;
        }
        return process;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** The result vector of an instant query through Prometheus' HTTP API. */
    private JsonArray query(String expression) throws Exception {
        String response = get("srv", PROMETHEUS_PORT,
                "/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
        JsonObject body = JsonParser.parseString(response.substring(response.indexOf("\r\n\r\n") + 4)).getAsJsonObject();
        assertEquals("success", body.get("status").getAsString(), response);
        return body.getAsJsonObject("data").getAsJsonArray("result");
    }

    /** The one sample's value of a query's result, or -1 when it has none (not scraped yet). */
    private static double value(JsonArray result) {
        if (result.isEmpty()) return -1;
        assertEquals(1, result.size(), "one series: " + result);
        return Double.parseDouble(result.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
    }
}
