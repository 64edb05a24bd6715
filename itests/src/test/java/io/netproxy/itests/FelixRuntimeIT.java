package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Boots Felix from the bundles of the built distribution, as the launcher does, and checks the wiring:
 * every bundle active, every service registered and bound, Gogo commands answering, and implementations
 * swapped while a server tunnel runs (cipher suites stopped and started, the transport bundle updated),
 * verified by real handshakes against that server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FelixRuntimeIT {
    private static final char[] PASSWORD = "integration test password".toCharArray();
    private static final int AES_GCM = 2;
    private static final int CHACHA = 1;

    @TempDir
    static Path temp;
    private Framework framework;
    private BundleContext context;

    @BeforeAll
    void boot() throws Exception {
        Path dist = Prerequisites.distribution();
        Path etc = Files.createDirectories(temp.resolve("etc"));
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, temp.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "org.slf4j;version=2.0.20,org.slf4j.spi;version=2.0.20,org.slf4j.event;version=2.0.20,org.slf4j.helpers;version=2.0.20");
        config.put("felix.fileinstall.dir", etc.toString());
        config.put("felix.fileinstall.filter", ".*\\.cfg");
        config.put("felix.fileinstall.poll", "500");
        config.put("felix.fileinstall.noInitialDelay", "true");
        config.put("felix.fileinstall.tmpdir", temp.resolve("fileinstall").toString());
        config.put("gosh.args", "--nointeractive");
        config.put("netproxy.run.dir", temp.resolve("run").toString());
        config.put("netproxy.state.dir", temp.resolve("state").toString());
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        framework.init();
        context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dist.resolve("bundle"), "*.jar")) {
            for (Path jar : jars) installed.add(context.installBundle(jar.toUri().toString()));
        }
        framework.start();
        for (Bundle bundle : installed) bundle.start();
        // SCR activates components asynchronously.
        waitFor(() -> reference("io.netproxy.api.tunnel.TunnelService") != null
                && reference("org.apache.felix.service.command.CommandProcessor") != null
                && gogoAvailable(), () -> "the engine and Gogo commands are registered; " + describe());
    }

    /**
     * The test's class path has its own copy of some API classes, so the system bundle's context would hide
     * these services as "not assignable"; the test only uses them reflectively, so it asks for all of them.
     */
    private ServiceReference<?> reference(String service) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(service, null);
            return refs == null ? null : refs[0];
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean gogoAvailable() {
        try {
            return context.getAllServiceReferences(null, "(osgi.command.scope=netproxy)") != null;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void shutdown() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(60_000);
        }
    }

    @Test
    void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE) notActive.add(bundle.getSymbolicName() + " state " + bundle.getState());
        }
        assertTrue(notActive.isEmpty(), "bundles not active: " + notActive);
        Set<String> names = new TreeSet<>();
        for (Bundle bundle : context.getBundles()) names.add(bundle.getSymbolicName());
        assertTrue(names.containsAll(List.of("io.netproxy.api", "io.netproxy.engine", "io.netproxy.shell",
                "io.netproxy.metrics-prometheus", "io.netproxy.log-bridge",
                "io.netproxy.transport-udp", "io.netproxy.transport-tcp", "io.netproxy.cipher-aes-gcm", "io.netproxy.cipher-chacha20poly1305",
                "io.netproxy.tun-linux", "io.netproxy.netconf-iptables", "io.netproxy.netconf-nftables", "org.apache.felix.scr",
                "org.apache.felix.configadmin", "org.apache.felix.fileinstall", "org.apache.felix.gogo.runtime")), names.toString());
    }

    @Test
    void servicesAreRegisteredByName() throws Exception {
        assertEquals(Set.of("aes-256-gcm", "chacha20-poly1305"), names("io.netproxy.api.CipherSuite", "netproxy.cipher"));
        assertEquals(Set.of("udp", "tcp"), names("io.netproxy.api.Transport", "netproxy.transport"));
        assertEquals(Set.of("linux", "linux-offload"), names("io.netproxy.api.TunBackend", "netproxy.tun"));
        // nftables is offered only where nft is installed, and then wins without --netconf (20 against iptables' 10)
        boolean nft = Prerequisites.onPath("nft");
        assertEquals(nft ? Set.of("iptables", "nftables") : Set.of("iptables"),
                names("io.netproxy.api.NetworkConfigurator", "netproxy.netconf"));
        if (nft) {
            ServiceReference<?> nftables = context.getAllServiceReferences("io.netproxy.api.NetworkConfigurator",
                    "(netproxy.netconf=nftables)")[0];
            assertEquals(20, nftables.getProperty(Constants.SERVICE_RANKING));
        }
        assertNotNull(reference("io.netproxy.api.tunnel.TunnelService"), "TunnelService");
        ServiceReference<?>[] commands = context.getAllServiceReferences(null, "(osgi.command.scope=netproxy)");
        assertNotNull(commands, "no Gogo commands in scope netproxy");
        assertTrue(Arrays.asList((String[]) commands[0].getProperty("osgi.command.function"))
                .containsAll(List.of("serve", "connect", "disconnect", "status", "peers")));
    }

    @Test
    void gogoCommandsAnswer() throws Exception {
        assertEquals("no tunnels", gogo("netproxy:status"));
        assertTrue(gogo("netproxy:connect").contains("HOST"), "connect without a host explains itself");
    }

    /** The control socket reads a bounded request: a line past 64 KiB is refused, and the sender is told so. */
    @Test
    void theControlSocketRefusesARequestLinePastItsBound() {
        Path socket = temp.resolve("run").resolve("control.sock");
        assertEquals("ERR netproxy: request refused: a request line has at most 65536 characters\nEXIT 2\n",
                control(socket, "ARG " + "x".repeat(300_000) + "\nEND\n"));
        assertTrue(control(socket, "ARG status\nEND\n").endsWith("EXIT 0\n"), "and the next request is answered");
    }

    /** One request on the control socket, as the launcher sends it; the whole answer. */
    private static String control(Path socket, String request) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void implementationsSwapWhileAServerRuns() throws Exception {
        Prerequisites.requireIsolatedRoot();
        Path password = secretFile("password", new String(PASSWORD));
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", 16767);
        String started = gogo("netproxy:serve --name swap --port 16767 --pool 198.18.2.0/24 --password-file " + password);
        assertTrue(started.contains("serving tunnel 'swap'"), started);
        try {
            TestHandshake client = new TestHandshake(PASSWORD);
            assertEquals(AES_GCM, client.handshake(server, AES_GCM, CHACHA), "both suites installed: the client's first choice");

            Bundle aes = bundle("io.netproxy.cipher-aes-gcm");
            aes.stop();
            assertEquals(CHACHA, client.handshake(server, AES_GCM, CHACHA), "AES-GCM stopped: ChaCha20-Poly1305 is chosen");
            aes.start();
            assertEquals(AES_GCM, client.handshake(server, AES_GCM, CHACHA), "AES-GCM back");

            // Updating the transport bundle unregisters and re-registers the service: the tunnel moves to
            // the new instance and keeps its port.
            bundle("io.netproxy.transport-udp").update();
            assertEquals(AES_GCM, client.handshake(server, AES_GCM, CHACHA), "answered after the transport update");
            String status = gogo("netproxy:status");
            assertTrue(status.contains("tunnel swap: server listening") && status.contains("(udp)"), status);
        } finally {
            gogo("netproxy:disconnect swap");
        }
        assertEquals("no tunnels", gogo("netproxy:status"));
    }

    /**
     * The hazard of issue 6: after an update of the configurator bundle in use, its new revision recovers at
     * activation and opens the live journal from a new class loader. That must neither break the journal's lock nor
     * revert anything, so that a cleanup from another process in the namespace also leaves the tunnel alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void updatingTheConfiguratorInUseRevertsNothingOfTheLiveTunnel(String netconf) throws Exception {
        Prerequisites.requireIsolatedRoot();
        Namespaces.requireConfigurator(netconf);
        String namespace = System.getenv("NETPROXY_TEST_NETNS");
        int port = netconf.equals("iptables") ? 16770 : 16771;
        Path password = secretFile("update-password-" + netconf, new String(PASSWORD));
        String started = gogo("netproxy:serve --name update --port " + port + " --pool 198.18.4.0/24 --netconf " + netconf
                + " --password-file " + password);
        assertTrue(started.contains("serving tunnel 'update'"), started);
        Path journal;
        try {
            journal = journal(netconf);
            assertTrue(lockedForOtherProcesses(journal), "the running tunnel holds its journal");

            bundle("io.netproxy.netconf-" + netconf).update();
            waitFor(() -> configuratorRegistered(netconf), "the updated configurator registered again");
            assertTrue(lockedForOtherProcesses(journal), "the journal's lock survives the new revision's recovery");

            // another process in this namespace on the same journals: an instance of its own, started for cleanup
            Namespaces.Result cleanup = Namespaces.run(Map.of("NETPROXY_STATE_DIR", temp.resolve("state").toString(),
                            "NETPROXY_RUN_DIR", temp.resolve("cleanup-run-" + netconf).toString()), 120,
                    List.of(Prerequisites.distribution().resolve("bin/netproxy").toString(), "cleanup"));
            assertTrue(cleanup.ok() && cleanup.output().contains("nothing to revert"), cleanup.output());
            assertTrue(Namespaces.hasServerRules(namespace, netconf), "the tunnel's rules stay");
            assertEquals(AES_GCM, new TestHandshake(PASSWORD).handshake(new InetSocketAddress("127.0.0.1", port), AES_GCM),
                    "the tunnel still answers");
        } finally {
            gogo("netproxy:disconnect update");
        }
        assertFalse(Namespaces.hasServerRules(namespace, netconf), "stopping the tunnel reverted its rules");
        assertFalse(Files.exists(journal));
    }

    private boolean configuratorRegistered(String netconf) {
        try {
            return context.getAllServiceReferences("io.netproxy.api.NetworkConfigurator", "(netproxy.netconf=" + netconf + ")") != null;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one journal of this configurator under the instance's state directory. */
    private Path journal(String netconf) throws Exception {
        try (java.util.stream.Stream<Path> files = Files.walk(temp.resolve("state/netconf"))) {
            List<Path> journals = files.filter(file -> file.getFileName().toString().endsWith("." + netconf + ".journal")).toList();
            assertEquals(1, journals.size(), journals.toString());
            return journals.get(0);
        }
    }

    /** util-linux flock(1) in another process: exit 1 when the lock is held. */
    private static boolean lockedForOtherProcesses(Path file) throws Exception {
        Namespaces.Result flock = Namespaces.run(List.of("flock", "--nonblock", "--conflict-exit-code", "1", file.toString(), "true"));
        if (flock.exitCode() != 0 && flock.exitCode() != 1) throw new AssertionError("flock(1) failed: " + flock.output());
        return flock.exitCode() == 1;
    }

    @Test
    void aTunnelDefinedInEtcStartsFollowsEditsAndStopsWithItsFile() throws Exception {
        Prerequisites.requireIsolatedRoot();
        Path password = secretFile("etc-password", new String(PASSWORD));
        Path cfg = temp.resolve("etc/io.netproxy.tunnel-fromfile.cfg");
        Files.writeString(cfg, "role = server\nport = 16768\npool = 198.18.3.0/24\npasswordFile = " + password + "\n");
        waitFor(() -> gogo("netproxy:status").contains("tunnel fromfile: server listening"), "tunnel from etc/ started");
        assertEquals(AES_GCM, new TestHandshake(PASSWORD).handshake(new InetSocketAddress("127.0.0.1", 16768), AES_GCM));
        // An edit is applied live: the tunnel restarts on the new port.
        Files.writeString(cfg, "role = server\nport = 16769\npool = 198.18.3.0/24\npasswordFile = " + password + "\n");
        waitFor(() -> gogo("netproxy:status").contains("listening on: *:16769"), "tunnel moved to the edited port");
        assertEquals(AES_GCM, new TestHandshake(PASSWORD).handshake(new InetSocketAddress("127.0.0.1", 16769), AES_GCM));

        // A bad edit is refused whole, with the file, key, value and what is allowed, and the tunnel runs on untouched.
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.netproxy.shell.ConfiguredTunnel");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getMessage()); // slf4j-jdk14 hands over the formatted message
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(capture);
        try {
            Files.writeString(cfg, "role = server\nport = 99999\npool = 198.18.3.0/24\npasswordFile = " + password + "\n");
            waitFor(() -> logged.stream().anyMatch(line -> line.contains(cfg.toString())
                    && line.contains("edit not applied") && line.contains("port: '99999' is not allowed; expected")),
                    "the bad edit refused with a clear message");
        } finally {
            log.removeHandler(capture);
        }
        assertTrue(gogo("netproxy:status").contains("listening on: *:16769"), "still on its port");
        assertEquals(AES_GCM, new TestHandshake(PASSWORD).handshake(new InetSocketAddress("127.0.0.1", 16769), AES_GCM));
        Files.delete(cfg);
        waitFor(() -> !gogo("netproxy:status").contains("fromfile"), "tunnel stopped when its file went away");
    }

    @Test
    void theTunnelConfigurationIsDescribedToMetatypeTools() throws Exception {
        ServiceReference<?> ref = reference("org.osgi.service.metatype.MetaTypeService");
        assertNotNull(ref, "the metatype service runs");
        Object metatype = context.getService(ref);
        Object information = call(metatype, "getMetaTypeInformation", new Class<?>[] {Bundle.class}, bundle("io.netproxy.shell"));
        assertTrue(Arrays.asList((String[]) call(information, "getFactoryPids", new Class<?>[0])).contains("io.netproxy.tunnel"));
        Object definition = call(information, "getObjectClassDefinition", new Class<?>[] {String.class, String.class},
                "io.netproxy.tunnel", null);
        Set<String> attributes = new TreeSet<>();
        for (Object attribute : (Object[]) call(definition, "getAttributeDefinitions", new Class<?>[] {int.class}, -1)) {
            attributes.add((String) call(attribute, "getID", new Class<?>[0]));
        }
        assertTrue(attributes.containsAll(List.of("role", "host", "port", "passwordFile", "keyFile", "pool", "routes")),
                attributes.toString());
    }

    /** Calls a method of a framework-side object whose interface this class path cannot see. */
    private static Object call(Object target, String method, Class<?>[] types, Object... args) throws Exception {
        Method m = target.getClass().getMethod(method, types);
        m.setAccessible(true);
        return m.invoke(target, args);
    }

    private Path secretFile(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content + "\n");
        return file;
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
    }

    private Set<String> names(String service, String property) throws Exception {
        Set<String> names = new TreeSet<>();
        ServiceReference<?>[] refs = context.getAllServiceReferences(service, null);
        if (refs != null) for (ServiceReference<?> ref : refs) names.add(String.valueOf(ref.getProperty(property)));
        return names;
    }

    /** Runs a Gogo command line through the runtime's CommandProcessor (its classes live in the framework). */
    private String gogo(String line) {
        try {
            ServiceReference<?> ref = reference("org.apache.felix.service.command.CommandProcessor");
            Object processor = context.getService(ref);
            ClassLoader loader = processor.getClass().getClassLoader();
            Class<?> processorType = loader.loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionType = loader.loadClass("org.apache.felix.service.command.CommandSession");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, InputStream.nullInputStream(), print, print);
            try {
                Method execute = sessionType.getMethod("execute", CharSequence.class);
                Object result = execute.invoke(session, line);
                return (out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result)).trim();
            } finally {
                sessionType.getMethod("close").invoke(session);
                context.ungetService(ref);
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("gogo '" + line + "' failed: " + e.getCause(), e);
        }
    }

    private static void waitFor(Supplier<Boolean> condition, String what) throws InterruptedException {
        waitFor(condition, () -> what);
    }

    private static void waitFor(Supplier<Boolean> condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting: " + what.get());
            Thread.sleep(200);
        }
    }

    /** Bundle states and registered services, for a failure message. */
    private String describe() {
        StringBuilder text = new StringBuilder();
        for (Bundle bundle : context.getBundles()) {
            text.append(bundle.getSymbolicName()).append('=').append(bundle.getState());
            ServiceReference<?>[] registered = bundle.getRegisteredServices();
            if (registered != null) {
                for (ServiceReference<?> ref : registered) {
                    text.append(' ').append(Arrays.toString((String[]) ref.getProperty(Constants.OBJECTCLASS)));
                }
            }
            text.append("; ");
        }
        return text.toString();
    }
}
