package io.netproxy.netconf.support;

import java.util.regex.Pattern;

/**
 * Names one configurator's journal of one tunnel, {@code <tunnelId>.<configurator>}: a tunnel being handed from
 * one configurator to the other has a live journal of each. The configurator's name has no dot, so the key splits
 * at its last one whatever dots the tunnel id has. The key is also the holder name of shared sysctls.
 */
public record JournalKey(String tunnelId, String configurator) {
    private static final Pattern CONFIGURATOR = Pattern.compile("[a-z][a-z0-9]{0,15}");

    public JournalKey {
        NetworkNames.requireTunnelId(tunnelId);
        if (!CONFIGURATOR.matcher(configurator).matches()) {
            throw new IllegalArgumentException("configurator name '" + configurator + "' is not usable: use 1 to 16 of "
                    + "a-z 0-9, starting with a letter");
        }
    }

    static JournalKey parse(String key) {
        int dot = key.lastIndexOf('.');
        if (dot <= 0) throw new IllegalArgumentException("'" + key + "' is not <tunnel id>.<configurator>");
        return new JournalKey(key.substring(0, dot), key.substring(dot + 1));
    }

    @Override
    public String toString() {
        return tunnelId + "." + configurator;
    }
}
