package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tunnel defined in {@code etc/io.netproxy.tunnel-NAME.cfg} (a ConfigAdmin factory configuration that
 * FileInstall feeds, described by {@link TunnelConfiguration}): started when the file appears, restarted when it
 * changes, stopped when it goes. The values go through the same {@link TunnelSettings} as the command line's
 * options, and every message names the file and the line of the bad key. A tunnel of the same name started elsewhere
 * (the command line) is never shared or stopped: the file waits until that name is free. What became of the file is
 * reported to {@link ConfiguredTunnels}.
 */
@Component(configurationPid = ConfiguredTunnel.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TunnelConfiguration.class, factory = true)
public final class ConfiguredTunnel {
    static final String PID = "io.netproxy.tunnel";
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTunnel.class);
    private static final long RETRY_MS = 30_000;
    /** The settings a file may hold: the attributes of {@link TunnelConfiguration}. */
    private static final List<String> KEYS = Arrays.stream(TunnelConfiguration.class.getDeclaredMethods())
            .map(Method::getName).sorted().toList();

    @Reference
    TunnelService tunnels; // package-private for tests

    @Reference
    ConfiguredTunnels outcomes; // package-private for tests

    /** Pause between attempts; a field so tests can shorten it. (Plugins still binding at boot are waited for
     *  by the engine itself.) */
    long retryMs = RETRY_MS;

    private boolean active;   // guarded by this
    private boolean started;  // guarded by this: true once this component started its tunnel
    private Thread starter;
    private String name;
    private String source;

    /**
     * Only the role and the keys are checked here; the values are checked (and password or key files read) by
     * the starter thread, which retries while files are missing, e.g. on a volume not mounted yet.
     */
    @Activate
    void activate(Map<String, Object> config) {
        source = SettingLocation.source(config);
        name = name(config);
        try {
            role(config);
            unknownKeys(config);
        } catch (IllegalArgumentException e) {
            LOG.error("tunnel {} not started: {}", name, e.getMessage());
            outcomes.report(source, name, ConfiguredTunnels.State.REFUSED, e.getMessage()); // before active: never late
            return;
        }
        synchronized (this) {
            active = true;
        }
        starter = new Thread(() -> startWithRetries(config), "netproxy-config-" + name);
        starter.setDaemon(true);
        starter.start();
    }

    private void startWithRetries(Map<String, Object> config) {
        while (isActive()) {
            try {
                if (tryStart(config)) return;
            } catch (RuntimeException e) {
                // Caught so that this thread never ends silently while the file still asks for a tunnel.
                LOG.error("{}: tunnel {} did not start; retrying in {} s", source, name, retryMs / 1000, e);
                report(ConfiguredTunnels.State.FAILED, source + ": " + e);
            }
            try {
                Thread.sleep(retryMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One attempt; true when there is nothing left to retry (started, or a configuration error). */
    private boolean tryStart(Map<String, Object> config) {
        String retry = "; retrying in " + retryMs / 1000 + " s";
        if (tunnels.tunnel(name).isPresent()) {
            // Not ours (the command line's default names are "server" and "client"): never share or stop it.
            String problem = SettingLocation.prefix(config, "name") + "a tunnel named '" + name + "' is already running"
                    + " (started from the command line or another file); set another 'name' in this file";
            LOG.error("tunnel {} not started: {}{}", name, problem, retry);
            report(ConfiguredTunnels.State.REFUSED, problem);
            return false;
        }
        TunnelSpec spec;
        try {
            spec = spec(config);
        } catch (IllegalArgumentException e) {
            // Bad options do not get better by waiting; editing the file re-activates this component.
            LOG.error("tunnel {} not started: {}", name, e.getMessage());
            report(ConfiguredTunnels.State.REFUSED, e.getMessage());
            return true;
        } catch (IOException e) {
            LOG.error("tunnel {} not started: {}{}", name, e.getMessage(), retry);
            report(ConfiguredTunnels.State.REFUSED, e.getMessage());
            return false;
        }
        report(ConfiguredTunnels.State.STARTING, null);
        try {
            tunnels.start(spec);
        } catch (IOException e) {
            LOG.error("{}: tunnel {} did not start: {}{}", source, name, e.getMessage(), retry);
            report(ConfiguredTunnels.State.FAILED, source + ": tunnel did not start: " + e.getMessage());
            return false;
        } finally {
            spec.wipe();
        }
        synchronized (this) {
            if (active) {
                started = true;
                LOG.info("{}: tunnel {} started", source, name);
                outcomes.report(source, name, ConfiguredTunnels.State.RUNNING, null);
                return true;
            }
        }
        // Deactivated while the tunnel was starting: deactivate() did not stop it, so stop it here.
        stopTunnel();
        return true;
    }

    /**
     * An edit of the file: checked whole first, so that a bad value leaves the running tunnel exactly as it was.
     * A good one is applied in place when the engine can (a server's pushed routes and DNS), else the tunnel
     * restarts with the new settings.
     */
    @Modified
    void modified(Map<String, Object> config) {
        if (!isStarted()) {
            // nothing runs to keep (the file was bad, or its tunnel still waits for a file or a name): start over
            LOG.info("{}: edited; tunnel {} starts over with the new settings", source, name);
            deactivate();
            activate(config);
            return;
        }
        TunnelSpec spec;
        try {
            spec = spec(config);
        } catch (IOException | RuntimeException e) {
            LOG.error("edit not applied, tunnel {} keeps its settings: {}", name, e.getMessage());
            return;
        }
        try {
            if (isStarted() && spec.name().equals(name) && tunnels.updateInPlace(spec)) {
                LOG.info("{}: edit applied to tunnel {} in place", source, name);
                return;
            }
        } catch (IllegalArgumentException e) {
            LOG.error("{}: edit not applied, tunnel {} keeps its settings: {}", source, name, e.getMessage());
            return;
        } finally {
            spec.wipe();
        }
        LOG.info("{}: edited; restarting tunnel {}", source, name);
        deactivate();
        activate(config);
    }

    /** What became of the file, unless it is gone: a report after deactivate() must not bring a removed file back. */
    private synchronized void report(ConfiguredTunnels.State state, String problem) {
        if (active) outcomes.report(source, name, state, problem);
    }

    private synchronized boolean isStarted() {
        return active && started;
    }

    private synchronized boolean isActive() {
        return active;
    }

    @Deactivate
    void deactivate() {
        boolean ours;
        synchronized (this) {
            if (source != null) outcomes.remove(source);
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
        if (!config.containsKey("role")) {
            throw new IllegalArgumentException(SettingLocation.prefix(config) + "no role; add a line 'role = server' or"
                    + " 'role = client'");
        }
        String role = String.valueOf(config.get("role")).trim().toLowerCase();
        return switch (role) {
            case "server" -> TunnelSpec.Role.SERVER;
            case "client" -> TunnelSpec.Role.CLIENT;
            default -> throw new IllegalArgumentException(SettingLocation.prefix(config, "role") + "role: '" + role
                    + "' is not allowed; expected server or client");
        };
    }

    /** A misspelt key would otherwise be ignored without a word; keys with a dot belong to ConfigAdmin or FileInstall. */
    private static void unknownKeys(Map<String, Object> config) {
        for (String key : config.keySet()) {
            if (!key.contains(".") && !KEYS.contains(key)) {
                throw new IllegalArgumentException(SettingLocation.prefix(config, key) + key
                        + ": unknown setting; the settings are " + String.join(", ", KEYS));
            }
        }
    }

    /**
     * The file's settings as a spec, through the same checks as the command line's; a message starts with the file
     * and the line of the key ({@code FILE:LINE: port: '99999' is not allowed; ...}), then the value and what is
     * allowed.
     */
    static TunnelSpec spec(Map<String, Object> config) throws IOException {
        TunnelSpec.Role role = role(config);
        unknownKeys(config);
        TunnelSettings settings = new TunnelSettings(role, TunnelSettings.FILE_KEYS);
        try {
            set(settings, config, "name", List.of(name(config)));
            for (String key : KEYS) {
                if (key.equals("role") || key.equals("name")) continue;
                set(settings, config, key, values(config.get(key)));
            }
            try {
                return settings.build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(SettingLocation.prefix(config) + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            settings.wipe();
            throw e;
        }
    }

    private static void set(TunnelSettings settings, Map<String, Object> config, String key, List<String> values)
            throws IOException {
        try {
            for (String value : values) settings.set(key, value, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SettingLocation.prefix(config, key) + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(SettingLocation.prefix(config, key) + key + ": " + e.getMessage(), e);
        }
    }

    /** A value as FileInstall gives it (comma-separated text) or as typed configurations do (arrays, collections). */
    private static List<String> values(Object value) {
        if (value == null) return List.of();
        Stream<?> items = value instanceof Object[] array ? Arrays.stream(array)
                : value instanceof Collection<?> collection ? collection.stream()
                : Arrays.stream(String.valueOf(value).split(","));
        return items.map(String::valueOf).map(String::trim).filter(item -> !item.isEmpty()).toList();
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
