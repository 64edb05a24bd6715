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
 * list values are comma-separated.
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
    private TunnelService tunnels;

    private volatile boolean active;
    private Thread starter;
    private String name;

    @Activate
    void activate(Map<String, Object> config) {
        String source = String.valueOf(config.getOrDefault("felix.fileinstall.filename", config.get("service.pid")));
        TunnelSpec.Role role;
        List<String> args;
        try {
            role = role(config);
            args = arguments(config, role);
            name = TunnelArguments.parse(role, args, null).name();
        } catch (IllegalArgumentException | IOException e) {
            LOG.error("{}: {}", source, e.getMessage());
            return;
        }
        active = true;
        starter = new Thread(() -> startWithRetries(role, args, source), "netproxy-config-" + name);
        starter.setDaemon(true);
        starter.start();
    }

    private void startWithRetries(TunnelSpec.Role role, List<String> args, String source) {
        while (active) {
            TunnelSpec spec = null;
            try {
                spec = TunnelArguments.parse(role, args, null);
                tunnels.start(spec);
                LOG.info("{}: tunnel {} started", source, name);
                return;
            } catch (IOException | IllegalArgumentException e) {
                LOG.error("{}: tunnel {} did not start: {}; retrying in {} s", source, name, e.getMessage(), RETRY_MS / 1000);
            } finally {
                if (spec != null) spec.wipe();
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Deactivate
    void deactivate() {
        if (!active) return;
        active = false;
        starter.interrupt();
        try {
            starter.join(30_000);
            tunnels.stop(name);
        } catch (IOException e) {
            LOG.error("tunnel {}: restoring the host failed: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        args.add(String.valueOf(config.getOrDefault("name", defaultName(config))).trim());
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
