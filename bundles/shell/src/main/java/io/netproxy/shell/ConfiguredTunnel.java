package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tunnel defined in {@code etc/io.netproxy.tunnel-NAME.cfg} (a ConfigAdmin factory configuration that
 * FileInstall feeds): started when the file appears, restarted when it changes, stopped when it goes.
 * The keys are the command-line options without dashes ({@code passwordFile} for {@code --password-file});
 * list values are comma-separated. A tunnel of the same name started elsewhere (the command line) is never
 * shared or stopped: the file waits until that name is free.
 */
@Component(configurationPid = ConfiguredTunnel.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ConfiguredTunnel {
    static final String PID = "io.netproxy.tunnel";
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTunnel.class);
    private static final long RETRY_MS = 30_000;

    /** Configuration keys and the option each stands for. */
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("port", "--port"), Map.entry("bind", "--bind"), Map.entry("passwordFile", "--password-file"),
            Map.entry("keyFile", "--key"), Map.entry("peers", "--peer"), Map.entry("serverKey", "--server-key"),
            Map.entry("pool", "--pool"), Map.entry("egress", "--egress"), Map.entry("routes", "--route"), Map.entry("pushRoutes", "--push-route"),
            Map.entry("dns", "--dns"), Map.entry("ciphers", "--cipher"), Map.entry("mtu", "--mtu"),
            Map.entry("timeout", "--timeout"), Map.entry("tun", "--tun"), Map.entry("transport", "--transport"),
            Map.entry("tunBackend", "--tun-backend"), Map.entry("netconf", "--netconf"));

    @Reference
    TunnelService tunnels; // package-private for tests

    /** Pause between attempts; a field so tests can shorten it. (Plugins still binding at boot are waited for
     *  by the engine itself.) */
    long retryMs = RETRY_MS;

    private boolean active;   // guarded by this
    private boolean started;  // guarded by this: true once this component started its tunnel
    private Thread starter;
    private String name;

    /**
     * Only the role is checked here; the arguments are parsed (and password or key files read) by the
     * starter thread, which retries while files are missing, e.g. on a volume not mounted yet.
     */
    @Activate
    void activate(Map<String, Object> config) {
        String source = String.valueOf(config.getOrDefault("felix.fileinstall.filename", config.get("service.pid")));
        TunnelSpec.Role role;
        try {
            role = role(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}", source, e.getMessage());
            return;
        }
        List<String> args = arguments(config, role);
        name = name(config);
        synchronized (this) {
            active = true;
        }
        starter = new Thread(() -> startWithRetries(role, args, source), "netproxy-config-" + name);
        starter.setDaemon(true);
        starter.start();
    }

    private void startWithRetries(TunnelSpec.Role role, List<String> args, String source) {
        while (isActive()) {
            try {
                if (tryStart(role, args, source)) return;
            } catch (RuntimeException e) {
                // Caught so that this thread never ends silently while the file still asks for a tunnel.
                LOG.error("{}: tunnel {} did not start; retrying in {} s", source, name, retryMs / 1000, e);
            }
            try {
                Thread.sleep(retryMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One attempt; true when there is nothing left to retry (started, or a configuration error). */
    private boolean tryStart(TunnelSpec.Role role, List<String> args, String source) {
        String retry = "; retrying in " + retryMs / 1000 + " s";
        if (tunnels.tunnel(name).isPresent()) {
            // Not ours (the command line's default names are "server" and "client"): never share or stop it.
            LOG.error("{}: a tunnel named '{}' is already running (started from the command line or another file);"
                    + " set another 'name' in this file{}", source, name, retry);
            return false;
        }
        TunnelSpec spec;
        try {
            spec = TunnelArguments.parse(role, args, null);
        } catch (IllegalArgumentException e) {
            // Bad options do not get better by waiting; editing the file re-activates this component.
            LOG.error("{}: tunnel {} not started: {}", source, name, e.getMessage());
            return true;
        } catch (IOException e) {
            LOG.error("{}: tunnel {} did not start: {}{}", source, name, e.getMessage(), retry);
            return false;
        }
        try {
            tunnels.start(spec);
        } catch (IOException e) {
            LOG.error("{}: tunnel {} did not start: {}{}", source, name, e.getMessage(), retry);
            return false;
        } finally {
            spec.wipe();
        }
        synchronized (this) {
            if (active) {
                started = true;
                LOG.info("{}: tunnel {} started", source, name);
                return true;
            }
        }
        // Deactivated while the tunnel was starting: deactivate() did not stop it, so stop it here.
        stopTunnel();
        return true;
    }

    private synchronized boolean isActive() {
        return active;
    }

    @Deactivate
    void deactivate() {
        boolean ours;
        synchronized (this) {
            if (!active) return;
            active = false;
            ours = started;
        }
        starter.interrupt();
        try {
            starter.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ours) stopTunnel();
    }

    private void stopTunnel() {
        try {
            tunnels.stop(name);
        } catch (IOException e) {
            LOG.error("tunnel {}: restoring the host failed: {}", name, e.getMessage());
        }
    }

    private static TunnelSpec.Role role(Map<String, Object> config) {
        String role = String.valueOf(config.getOrDefault("role", "")).trim().toLowerCase();
        return switch (role) {
            case "server" -> TunnelSpec.Role.SERVER;
            case "client" -> TunnelSpec.Role.CLIENT;
            default -> throw new IllegalArgumentException("role must be 'server' or 'client', found '" + role + "'");
        };
    }

    /** The configuration as command-line arguments, so both are read by one parser. */
    static List<String> arguments(Map<String, Object> config, TunnelSpec.Role role) {
        List<String> args = new ArrayList<>();
        Object host = config.get("host");
        if (role == TunnelSpec.Role.CLIENT && host != null) args.add(String.valueOf(host).trim());
        args.add("--name");
        args.add(name(config));
        for (Map.Entry<String, String> option : OPTIONS.entrySet()) {
            Object value = config.get(option.getKey());
            if (value == null) continue;
            for (String item : String.valueOf(value).split(",")) {
                if (item.isBlank()) continue;
                args.add(option.getValue());
                args.add(item.trim());
            }
        }
        return args;
    }

    static String name(Map<String, Object> config) {
        return String.valueOf(config.getOrDefault("name", defaultName(config))).trim();
    }

    /** {@code io.netproxy.tunnel-office.cfg} names its tunnel {@code office}. */
    private static String defaultName(Map<String, Object> config) {
        Object file = config.get("felix.fileinstall.filename");
        if (file != null) {
            String path = String.valueOf(file);
            String base = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.cfg$", "");
            int dash = base.indexOf('-');
            if (dash >= 0 && dash + 1 < base.length()) return base.substring(dash + 1);
        }
        return "tunnel";
    }
}
