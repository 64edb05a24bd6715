package io.netproxy.api.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.Transport;
import io.netproxy.api.TunBackend;
import java.util.Locale;

/** The four kinds of part a tunnel is made of, each an OSGi service named by a property. */
public enum PluginKind {
    TRANSPORT(Transport.PROPERTY),
    CIPHER(CipherSuite.PROPERTY),
    TUN_BACKEND(TunBackend.PROPERTY),
    NETCONF(NetworkConfigurator.PROPERTY);

    private final String property;

    PluginKind(String property) {
        this.property = property;
    }

    /** The service property that names an implementation of this kind, e.g. {@code netproxy.transport}. */
    public String property() {
        return property;
    }

    /** The word operators type: {@code transport}, {@code cipher}, {@code tun}, {@code netconf}. */
    public String word() {
        return property.substring("netproxy.".length());
    }

    /**
     * The kind an operator's word names.
     *
     * @throws IllegalArgumentException naming the words there are
     */
    public static PluginKind ofWord(String word) {
        for (PluginKind kind : values()) {
            if (kind.word().equals(word.toLowerCase(Locale.ROOT))) return kind;
        }
        throw new IllegalArgumentException("no kind of part named '" + word + "'; one of transport, cipher, tun, netconf");
    }
}
