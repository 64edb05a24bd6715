package io.netproxy.netconf.support;

import java.util.regex.Pattern;

/**
 * Checks the names that end up in command arguments and in iptables-restore input, so that no value can
 * smuggle in an option, a second rule or a quote.
 */
final class NetworkNames {
    /** IFNAMSIZ allows 15 characters; a leading '-' would read as an option. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,14}");
    /** Also a journal file name and part of a rule comment, so no '/', whitespace or quotes. */
    private static final Pattern TUNNEL_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:@~+-]{0,63}");

    private NetworkNames() {
    }

    static String requireInterface(String name, String what) {
        if (name == null) throw new IllegalArgumentException(what + " is missing");
        if (!INTERFACE.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a valid interface name: use 1 to 15 of "
                    + "A-Z a-z 0-9 _ . : - (not starting with '-')");
        }
        return name;
    }

    static String requireTunnelId(String tunnelId) {
        if (!TUNNEL_ID.matcher(tunnelId).matches()) {
            throw new IllegalArgumentException("tunnel id '" + tunnelId + "' is not usable: use 1 to 64 of "
                    + "A-Z a-z 0-9 _ . : @ ~ + -, starting with a letter, digit or '_'");
        }
        return tunnelId;
    }
}
