package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelService;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands in scope {@code netproxy}. A password comes from {@code --password-file} or the
 * NETPROXY_PASSWORD environment variable of the instance; Gogo has no no-echo prompt.
 */
@Component(service = NetproxyCommands.class, property = {
        "osgi.command.scope=netproxy",
        "osgi.command.function=serve",
        "osgi.command.function=connect",
        "osgi.command.function=disconnect",
        "osgi.command.function=status",
        "osgi.command.function=peers",
        "osgi.command.function=swap",
        "osgi.command.function=cleanup"})
public final class NetproxyCommands {
    @Reference
    private TunnelService tunnels;

    @Reference
    private ConfiguredTunnels configured;

    private Operations operations;

    @Activate
    void activate() {
        operations = new Operations(tunnels, configured, java.time.InstantSource.system());
    }

    @Descriptor("start a server: [--port P] [--password-file F | --key F --peer PUBKEY...] [--pool CIDR] [--pool6 CIDR]")
    public String serve(String... args) {
        return run(out -> operations.serve(Arrays.asList(args), environmentPassword(args), out, out));
    }

    @Descriptor("connect to a server: HOST[:PORT] [--password-file F | --key F --server-key PUBKEY] [--route CIDR]... [--no-dns] [--kill-switch [--allow-lan]]")
    public String connect(String... args) {
        return run(out -> operations.connect(Arrays.asList(args), environmentPassword(args), out, out));
    }

    @Descriptor("stop a tunnel [NAME] and restore the host network settings")
    public String disconnect(String... args) {
        return run(out -> operations.disconnect(Arrays.asList(args), out, out));
    }

    @Descriptor("show tunnels, peers and counters like wg show: [--json]")
    public String status(String... args) {
        return run(out -> operations.status(Arrays.asList(args), out, out));
    }

    @Descriptor("show the peers of a tunnel: [NAME] [--json]")
    public String peers(String... args) {
        return run(out -> operations.peers(Arrays.asList(args), out, out));
    }

    @Descriptor("move a running tunnel [NAME] to another implementation: transport|cipher|tun|netconf IMPLEMENTATION")
    public String swap(String... args) {
        return run(out -> operations.swap(Arrays.asList(args), out, out));
    }

    @Descriptor("revert host changes left behind by a killed instance, its kill switch too unless --keep-kill-switch")
    public String cleanup(String... args) {
        return run(out -> operations.cleanup(Arrays.asList(args), out, out));
    }

    private interface Command {
        int run(PrintWriter out) throws Exception;
    }

    private static String run(Command command) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            command.run(out);
        } catch (Exception e) {
            return "netproxy: " + e.getMessage();
        }
        return text.toString().stripTrailing();
    }

    /** Only used when the arguments name no file; {@link TunnelArguments} rejects a missing secret. */
    private static char[] environmentPassword(String[] args) {
        List<String> given = Arrays.asList(args);
        if (given.contains("--password-file") || given.contains("--key")) return null;
        String env = System.getenv("NETPROXY_PASSWORD");
        return env == null || env.isEmpty() ? null : env.toCharArray();
    }
}
