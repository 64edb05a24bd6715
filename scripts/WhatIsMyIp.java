import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The test network's "internet" service, run with {@code java WhatIsMyIp.java PORT}:
 * {@code /} answers with the caller's address as the server sees it;
 * {@code /bytes/N} sends N bytes of a fixed pattern (byte i is (i * 31) % 251), so a transfer can be checked.
 */
public class WhatIsMyIp {
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", WhatIsMyIp::handle);
        server.start();
        System.out.println("what-is-my-IP listening on port " + port);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange; OutputStream body = exchange.getResponseBody()) {
            if (path.startsWith("/bytes/")) {
                long size = Long.parseLong(path.substring("/bytes/".length()));
                exchange.sendResponseHeaders(200, size);
                byte[] chunk = new byte[8192];
                for (long sent = 0; sent < size; ) {
                    int n = (int) Math.min(chunk.length, size - sent);
                    for (int i = 0; i < n; i++) chunk[i] = (byte) ((sent + i) * 31 % 251);
                    body.write(chunk, 0, n);
                    sent += n;
                }
            } else {
                byte[] answer = (exchange.getRemoteAddress().getAddress().getHostAddress() + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, answer.length);
                body.write(answer);
            }
        } catch (NumberFormatException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }
}
