package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.host.RunDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root-only Unix domain socket that {@code bin/netproxy} drives a running instance through.
 * It lives in {@code netproxy.run.dir} (default /run/netproxy), a directory only root may write to
 * (see {@link RunDirectory}).
 * The request and answer format is described in {@code ControlClient} of the launcher.
 */
@Component(immediate = true)
public final class ControlSocket {
    private static final Logger LOG = LoggerFactory.getLogger(ControlSocket.class);

    /** How long {@code run} waits for FileInstall and the tunnel components to take up the files of etc/. */
    private static final long CONFIGURED_TIMEOUT_MS = 60_000;

    @Reference
    private TunnelService tunnels;

    @Reference
    private ConfiguredTunnels configured;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CommandProcessor gogo;

    private final java.util.Set<SocketChannel> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<Thread> handlers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private BundleContext context;
    private ServerSocketChannel server;
    private Path socketPath;
    private Operations operations;
    private NetworkNamespace home;
    /** The inode of the listening socket, by which {@link PeerCredentials} may recognise this namespace. */
    private long listenerInode;

    @Activate
    void activate(BundleContext context) throws IOException {
        this.context = context;
        this.operations = new Operations(tunnels, configured, java.time.InstantSource.system());
        this.home = NetworkNamespace.current();
        Path runDir = Path.of(property(context, "netproxy.run.dir", "/run/netproxy"));
        RunDirectory.prepare(runDir);
        socketPath = runDir.resolve("control.sock");
        removeStaleSocket(socketPath);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        try {
            listenerInode = PeerCredentials.inode(server);
        } catch (IOException | RuntimeException e) {
            LOG.debug("the control socket's inode is unknown ({}): commands are only taken from processes whose"
                    + " network namespace this instance may look at", e.getMessage());
        }
        Thread acceptor = new Thread(this::acceptLoop, "netproxy-control");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("control socket {} in {}", socketPath, home.describe());
    }

    @Deactivate
    void deactivate() throws IOException {
        server.close();
        // A waiting client (a daemon's wait-idle) must learn that this instance is going away, or it waits forever.
        for (Thread handler : handlers) handler.interrupt();
        for (SocketChannel client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                // Going away anyway.
            }
        }
        Files.deleteIfExists(socketPath);
    }

    private static String property(BundleContext context, String name, String fallback) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A socket file left by a killed instance refuses connections; one that answers belongs to a live instance. */
    static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        if (answers(path)) {
            throw new IOException("another netproxy instance already serves " + path
                    + "; use 'netproxy status' or set NETPROXY_RUN_DIR for a second instance");
        }
        Files.deleteIfExists(path);
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread handler = new Thread(() -> {
                    try {
                        handle(client);
                    } finally {
                        clients.remove(client);
                        handlers.remove(Thread.currentThread());
                    }
                }, "netproxy-control-client");
                handler.setDaemon(true);
                clients.add(client);
                handlers.add(handler);
                handler.start();
            } catch (IOException e) {
                if (server.isOpen()) LOG.warn("control socket accept failed: {}", e.getMessage());
            }
        }
    }

    private void handle(SocketChannel client) {
        char[] secret = null;
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            Writer raw = new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8);
            ControlRequest request;
            try {
                request = ControlRequest.read(in);
            } catch (ControlRequest.TooLarge e) {
                LOG.warn("refused a control request: {}", e.getMessage());
                raw.write("ERR netproxy: request refused: " + e.getMessage() + "\nEXIT 2\n");
                raw.flush();
                // what is left unread when the socket closes would reset it, and the sender would not see why
                client.shutdownOutput();
                in.skip(ControlRequest.MAX_LINE_CHARS * 16L);
                return;
            }
            secret = request.secret();
            List<String> args = request.args();
            // a launcher probing whether an instance answers connects and closes without a request
            if (args.isEmpty() && !request.ended()) return;
            String refusal;
            try {
                refusal = PeerCredentials.of(client).refusal(home, listenerInode);
            } catch (IOException | RuntimeException | LinkageError e) {
                // fail closed, but say why: a JVM without the flag, or JNA missing
                refusal = "netproxy: cannot check who sent the command, so it is refused: " + e.getMessage();
            }
            int code;
            try (PrintWriter o = new LinePrefixWriter(raw, "OUT "); PrintWriter e = new LinePrefixWriter(raw, "ERR ")) {
                if (refusal != null) {
                    LOG.warn("refused a control command: {}", refusal);
                    e.println(refusal);
                    code = 2;
                } else {
                    code = dispatch(args, secret, o, e);
                }
                o.flush();
                e.flush();
                raw.write("EXIT " + code + "\n");
                raw.flush();
            }
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (secret != null) Arrays.fill(secret, '\0');
        }
    }

    private int dispatch(List<String> args, char[] secret, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        if (args.isEmpty()) {
            err.println("netproxy: empty control request");
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "serve": return operations.serve(rest, secret, out, err);
            case "passwd": return operations.passwd(rest, secret, out, err);
            case "connect": return operations.connect(rest, secret, out, err);
            case "disconnect": return operations.disconnect(rest, out, err);
            case "status": return operations.status(rest, out, err);
            case "peers": return operations.peers(rest, out, err);
            case "swap": return operations.swap(rest, out, err);
            case "cleanup": return operations.cleanup(rest, out, err);
            case "wait-idle": return operations.waitIdle();
            case "await-configured": return awaitConfigured(rest, out, err);
            case "health": return operations.health(out);
            case "sd-notify": return notifyServiceManager(rest, err);
            case "shutdown": return shutdown(out);
            case "gogo": return gogo(String.join(" ", rest), out, err);
            default:
                err.println("netproxy: unknown control command '" + args.get(0) + "'");
                return 2;
        }
    }

    /** {@code netproxy run [NAME]}'s check of the tunnel files (or file) in the directory FileInstall watches. */
    private int awaitConfigured(List<String> args, PrintWriter out, PrintWriter err) throws InterruptedException {
        String etc = context.getProperty("felix.fileinstall.dir");
        if (etc == null) {
            err.println("netproxy: this instance reads no configuration directory (felix.fileinstall.dir is not set)");
            return 2;
        }
        if (args.size() > 1) {
            err.println("netproxy: await-configured [NAME]");
            return 2;
        }
        return operations.awaitConfigured(Path.of(etc), args.isEmpty() ? null : args.get(0), CONFIGURED_TIMEOUT_MS, out, err);
    }

    /**
     * {@code sd-notify NAME=value...}: {@code netproxy run} under a service manager tells it through this process (the
     * unit's main process, whose JNA sends the datagram) that the tunnels are up (READY=1), how they are (STATUS=...)
     * and that it is stopping (STOPPING=1).
     */
    private int notifyServiceManager(List<String> assignments, PrintWriter err) {
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
        if (notifier == null) {
            err.println("netproxy: this instance was not started by a service manager (" + SystemdNotifier.SOCKET_ENV
                    + " is not set)");
            return 1;
        }
        try {
            notifier.send(assignments);
            LOG.debug("told the service manager at {}: {}", notifier, assignments);
            return 0;
        } catch (IOException | RuntimeException | LinkageError e) {
            err.println("netproxy: cannot notify the service manager: " + e.getMessage());
            return 1;
        }
    }

    private int shutdown(PrintWriter out) {
        out.println("shutting down");
        Thread stopper = new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException e) {
                LOG.warn("shutdown failed: {}", e.getMessage());
            }
        }, "netproxy-shutdown");
        stopper.start();
        return 0;
    }

    private int gogo(String commandLine, PrintWriter out, PrintWriter err) {
        CommandProcessor processor = gogo;
        if (processor == null) {
            err.println("netproxy: the Gogo runtime is not installed in this instance");
            return 1;
        }
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stream = new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(java.io.InputStream.nullInputStream(), stream, stream);
        try {
            Object result = session.execute(commandLine);
            stream.flush();
            buffer.toString(StandardCharsets.UTF_8).lines().forEach(out::println);
            if (result != null) out.println(session.format(result, org.apache.felix.service.command.Converter.INSPECT));
            return 0;
        } catch (Exception e) {
            buffer.toString(StandardCharsets.UTF_8).lines().forEach(out::println);
            err.println("gogo: " + e.getMessage());
            return 1;
        } finally {
            session.close();
        }
    }
}
