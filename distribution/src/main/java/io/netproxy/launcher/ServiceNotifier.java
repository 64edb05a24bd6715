package io.netproxy.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code run} under a service manager that waits for readiness (a systemd unit of {@code Type=notify}, which sets
 * {@code NOTIFY_SOCKET}): READY=1 once every tunnel of the instance is up (what makes {@code status} exit 0: servers
 * listening, clients connected), STATUS= with a line on the tunnels whenever it changes, and STOPPING=1 when it stops.
 * This class decides when; the instance's shell bundle sends the datagrams ({@code sd-notify} on the control socket),
 * from this process, with the JNA it already has.
 */
final class ServiceNotifier {
    static final String SOCKET_ENV = "NOTIFY_SOCKET";
    /** How often the tunnels are looked at until they are up, and afterwards for STATUS. */
    private static final long STARTING_POLL_MS = 250;
    private static final long RUNNING_POLL_MS = 5_000;

    private final ControlClient control;
    private final Thread watcher;
    private volatile boolean stopping;
    private boolean ready;
    private String status;
    private boolean failureReported;

    ServiceNotifier(ControlClient control) {
        this.control = control;
        this.watcher = new Thread(this::watch, "netproxy-service-notifier");
        watcher.setDaemon(true);
    }

    /** Whether a service manager waits for this process's notifications. */
    static boolean requested() {
        String socket = System.getenv(SOCKET_ENV);
        return socket != null && !socket.isEmpty();
    }

    void start() {
        watcher.start();
    }

    /** Says STOPPING=1, after the watcher has ended so that no STATUS follows it. */
    void stopping() throws InterruptedException {
        stopping = true;
        watcher.interrupt();
        watcher.join(5_000);
        send(List.of("STOPPING=1", "STATUS=stopping: the tunnels close and revert their changes to the host"));
    }

    private void watch() {
        while (!stopping) {
            try {
                ByteArrayOutputStream summary = new ByteArrayOutputStream();
                int health = control.call(List.of("health"), null, new PrintStream(summary, true, StandardCharsets.UTF_8),
                        new PrintStream(OutputStream.nullOutputStream()));
                String line = summary.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
                List<String> assignments = new ArrayList<>();
                if (!ready && health == 0) assignments.add("READY=1");
                if (!line.equals(status) || assignments.contains("READY=1")) assignments.add("STATUS=" + line);
                if (!assignments.isEmpty() && !stopping && send(assignments)) {
                    if (assignments.contains("READY=1")) {
                        ready = true;
                        System.out.println("every tunnel is up: told the service manager (READY=1): " + line);
                    }
                    status = line;
                }
                Thread.sleep(ready ? RUNNING_POLL_MS : STARTING_POLL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (stopping) return;
                report("netproxy: cannot ask the instance how its tunnels are: " + e.getMessage());
                try {
                    Thread.sleep(RUNNING_POLL_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Sends through the instance; a failure is reported once, as the service manager will time the start out. */
    private boolean send(List<String> assignments) {
        List<String> request = new ArrayList<>(List.of("sd-notify"));
        request.addAll(assignments);
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = control.call(request, null, new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            if (code == 0) return true;
            report(err.toString(StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            report("netproxy: cannot notify the service manager: " + e.getMessage());
        }
        return false;
    }

    private synchronized void report(String problem) {
        if (failureReported) return;
        failureReported = true;
        System.err.println(problem);
    }
}
