package io.netproxy.itests;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An endless download of the internet host's pattern ({@link Topology#patternByte}) through a host's tunnel, read and
 * checked byte by byte by this test as it arrives, until closed. Traffic so runs for exactly as long as whatever a
 * test does meanwhile, however fast or slow the tunnel is: a download of a fixed size, sized by a measurement made
 * earlier, could end before a swap began or after it ended on a machine whose speed changed in between.
 */
final class CheckedStream implements AutoCloseable {
    /** The request's size: more than any test reads (the service sends until the connection closes). */
    private static final long ENDLESS = Long.MAX_VALUE / 64;

    private final Process download;
    private final AtomicLong received = new AtomicLong();
    private final Thread reader;
    private volatile String failure;
    private volatile boolean closing;

    CheckedStream(String namespace, String server) throws IOException {
        // ip netns exec and bash both exec, so the process is cat itself and closing ends the download at once
        download = new ProcessBuilder("ip", "netns", "exec", namespace, "bash", "-c",
                "exec 3<>/dev/tcp/" + server + "/8080; printf 'GET /bytes/" + ENDLESS + " HTTP/1.0\\r\\n\\r\\n' >&3;"
                        + " exec cat <&3")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        reader = new Thread(this::read, "checked-stream-" + namespace);
        reader.setDaemon(true);
        reader.start();
    }

    /** Bytes that arrived so far, every one of them as sent. */
    long received() {
        return received.get();
    }

    /** Waits until {@code bytes} more have arrived, all of them as sent; fails at the first byte that is not. */
    void awaitMore(long bytes, int seconds, String what) throws Exception {
        long target = received.get() + bytes;
        Namespaces.waitFor(() -> {
            if (failure != null) throw new AssertionError("the checked download " + what + ": " + failure);
            return received.get() >= target;
        }, seconds, bytes + " more bytes of the checked download " + what + " (" + received.get() + " so far)");
    }

    @Override
    public void close() throws Exception {
        closing = true;
        download.destroy();
        download.waitFor();
        reader.join();
    }

    private void read() {
        try (InputStream in = new BufferedInputStream(download.getInputStream(), 1 << 16)) {
            skipHeader(in);
            byte[] buffer = new byte[1 << 16];
            long at = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte expected = Topology.patternByte(at + i);
                    if (buffer[i] != expected) {
                        failure = "byte " + (at + i) + " is " + (buffer[i] & 0xff) + ", not " + (expected & 0xff);
                        return;
                    }
                }
                at += n;
                received.set(at);
            }
            if (!closing) failure = "it ended after " + at + " bytes (exit " + download.waitFor() + ")";
        } catch (IOException | InterruptedException e) {
            if (!closing) failure = e.toString();
        }
    }

    /** Reads the HTTP status line and headers, up to and with the empty line. */
    private static void skipHeader(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) throw new IOException("no HTTP header from the internet host's service");
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
