package io.netproxy.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Boots Felix with every jar of {@code bundle/} installed and started, and FileInstall watching {@code etc/} (if
 * asked), and through {@code etc/org.apache.felix.fileinstall-deploy.cfg} also {@code deploy/} for plugin bundles.
 */
final class FelixRuntime {
    /** slf4j sits on the launcher class path (ServiceLoader finds its provider there) and is exported to bundles. */
    private static final String SLF4J_VERSION = "2.0.20";
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";

    private final Framework framework;

    private FelixRuntime(Framework framework) { this.framework = framework; }

    /**
     * @param watchEtc   false to leave FileInstall installed but not started, so that the tunnels defined in
     *                   {@code etc/} do not start (ConfigAdmin holds nothing else: the cache is cleaned at each start)
     * @param onlyTunnel the NAME of the one tunnel file {@code io.netproxy.tunnel-NAME.cfg} of etc/ to take up, beside
     *                   the files that define no tunnel; null for every file
     */
    static FelixRuntime start(Layout layout, boolean interactiveConsole, boolean watchEtc, String onlyTunnel)
            throws IOException, BundleException {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, layout.felixCache().toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
                "org.slf4j;version=" + SLF4J_VERSION,
                "org.slf4j.spi;version=" + SLF4J_VERSION,
                "org.slf4j.event;version=" + SLF4J_VERSION,
                "org.slf4j.helpers;version=" + SLF4J_VERSION));
        config.put("felix.fileinstall.dir", layout.etc().toString());
        config.put("felix.fileinstall.filter", configurationFiles(onlyTunnel));
        config.put("felix.fileinstall.poll", "1000");
        config.put("felix.fileinstall.noInitialDelay", "true");
        config.put("felix.fileinstall.log.level", "2");
        // what it says before the log service runs goes to netproxy's log (after, the log bridge bundle takes it there)
        config.put("felix.fileinstall.log.default", "jul");
        // FileInstall would write every configuration back into its file of etc/ at each update: the operator's files
        // (dpkg's conffiles under /etc/netproxy) are read, never rewritten
        config.put("felix.fileinstall.enableConfigSave", "false");
        // FileInstall's scratch directory, which it would otherwise leave in /tmp at every start
        config.put("felix.fileinstall.tmpdir", layout.stateDir().resolve("fileinstall").toString());
        config.put("gosh.args", interactiveConsole ? "" : "--nointeractive");
        // read by etc/org.apache.felix.fileinstall-deploy.cfg, which FileInstall interpolates with framework properties
        config.put("netproxy.home", layout.home().toString());
        config.put("netproxy.run.dir", layout.runDir().toString());
        config.put("netproxy.state.dir", layout.stateDir().toString());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IOException("Felix is missing from lib/"));
        Framework framework = factory.newFramework(config);
        framework.init();
        List<Bundle> installed = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(layout.bundles(), "*.jar")) {
            for (Path jar : jars) {
                // in place, not copied: the cache is cleaned at every start, and copying 11 MB into it took 0.1 s of each
                installed.add(framework.getBundleContext().installBundle("reference:" + jar.toUri()));
            }
        }
        framework.start();
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) continue;
            if (!watchEtc && FILEINSTALL.equals(bundle.getSymbolicName())) continue;
            bundle.start();
        }
        return new FelixRuntime(framework);
    }

    /**
     * The files of etc/ that FileInstall takes up (it matches the whole name): every {@code .cfg}, or for one tunnel
     * every one but the other tunnels' files.
     */
    static String configurationFiles(String onlyTunnel) {
        if (onlyTunnel == null) return ".*\\.cfg";
        return "(?!io\\.netproxy\\.tunnel-).*\\.cfg|io\\.netproxy\\.tunnel-" + java.util.regex.Pattern.quote(onlyTunnel) + "\\.cfg";
    }

    /** Stops every bundle (tunnels close and revert their host changes) and waits for the framework. Idempotent. */
    synchronized void stop() {
        try {
            framework.stop();
            framework.waitForStop(60_000);
        } catch (BundleException | InterruptedException e) {
            System.err.println("netproxy: stopping the OSGi framework failed: " + e);
        }
    }

    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }
}
