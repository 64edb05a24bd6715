package io.netproxy.shell;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The settings of a tunnel defined in {@code etc/io.netproxy.tunnel-NAME.cfg}: one factory configuration per
 * file (PID {@code io.netproxy.tunnel}). The keys are these method names; list values are comma-separated.
 * Described to ConfigAdmin and metatype tools ({@code cm}, a web console); {@link TunnelSettings} checks the
 * values, with the same rules as the command line's options.
 */
@ObjectClassDefinition(id = ConfiguredTunnel.PID, name = "netproxy tunnel",
        description = "A tunnel that starts with the instance and follows edits of its file: a server's pushed routes and"
                + " DNS change in place, any other edit restarts it, and an edit with a bad value is refused whole.")
public @interface TunnelConfiguration {
    @AttributeDefinition(description = "server or client",
            options = {@Option(value = "server"), @Option(value = "client")})
    String role();

    @AttributeDefinition(required = false, description = "The tunnel's name (1 to 32 of A-Z a-z 0-9 _ . -);"
            + " default: what follows the dash in the file name")
    String name();

    @AttributeDefinition(required = false, description = "Client: the server, HOST or HOST:PORT")
    String host();

    @AttributeDefinition(required = false, description = "Server: the address to listen on; default: all")
    String bind();

    @AttributeDefinition(required = false, description = "UDP port, 1 to 65535; default 6767")
    int port() default 6767;

    @AttributeDefinition(required = false, description = "Password mode: a root-only file whose first line is the password")
    String passwordFile();

    @AttributeDefinition(required = false, description = "Server, password mode: a root-only credential file (netproxy"
            + " passwd) in place of the password, which the server then never holds")
    String passwordCredential();

    @AttributeDefinition(required = false, description = "Key mode: this side's private key file (netproxy genkey)")
    String keyFile();

    @AttributeDefinition(required = false, description = "Server, key mode: the clients' public keys")
    String[] peers();

    @AttributeDefinition(required = false, description = "Client, key mode: the server's public key")
    String serverKey();

    @AttributeDefinition(required = false, description = "Server: the clients' address pool (a CIDR, prefix 1 to 30);"
            + " the server takes its first address, or the one written; default 10.67.0.0/24")
    String pool();

    @AttributeDefinition(required = false, description = "Server: the IPv6 prefix the tunnel carries IPv6 in (64 to 120,"
            + " no host bits, such as 2001:db8:7e::/64); each address follows an IPv4 one of the pool; default: IPv4 only")
    String pool6();

    @AttributeDefinition(required = false, description = "Server: the interface to NAT out of; default: the default route's")
    String egress();

    @AttributeDefinition(required = false, description = "Client: networks through the tunnel (IPv4, and IPv6 where the"
            + " server carries it); default: what the server pushes")
    String[] routes();

    @AttributeDefinition(required = false, description = "Server: networks pushed to clients; default 0.0.0.0/0")
    String[] pushRoutes();

    @AttributeDefinition(required = false, description = "Server: DNS servers pushed to clients (IPv4 addresses, and IPv6 ones beside them with pool6)")
    String[] dns();

    @AttributeDefinition(required = false, description = "Server: DNS search domains pushed to clients with the DNS "
            + "servers (up to 6, such as corp.example): a client resolves 'wiki' as wiki.corp.example through them")
    String[] dnsSearch();

    @AttributeDefinition(required = false, description = "Client: true keeps the host's DNS settings; default false: "
            + "the DNS servers the server pushes are used while the tunnel runs, and the host's are put back after")
    boolean noDns() default false;

    @AttributeDefinition(required = false, description = "Client: true drops everything that would leave the host "
            + "outside the tunnel (IPv4 and IPv6, except to the server), from connect until disconnect, also while it "
            + "reconnects and after its process died, until 'netproxy cleanup'; default false")
    boolean killSwitch() default false;

    @AttributeDefinition(required = false, description = "Client, with killSwitch: true keeps the directly connected "
            + "networks reachable; default false")
    boolean allowLan() default false;

    @AttributeDefinition(required = false, description = "Acceptable cipher suites, preferred first; default: all installed")
    String[] ciphers();

    @AttributeDefinition(required = false, description = "TUN MTU in bytes, 576 to 9000; default: what the server pushes (1400)")
    int mtu();

    @AttributeDefinition(required = false, description = "Client: seconds to wait for the first handshake, 1 to 3600; default 20")
    int timeout();

    @AttributeDefinition(required = false, description = "TUN device name, such as np0 or np%d; default np%d")
    String tun();

    @AttributeDefinition(required = false, description = "Transport by name, or auto (the default): a server listens on "
            + "UDP and TCP, a client uses UDP and falls back to TCP while UDP gets no answer")
    String transport();

    @AttributeDefinition(required = false, description = "TUN backend by name; default: the best ranked installed")
    String tunBackend();

    @AttributeDefinition(required = false, description = "Network configurator by name; default: the best ranked installed")
    String netconf();
}
