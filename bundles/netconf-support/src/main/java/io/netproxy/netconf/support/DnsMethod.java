package io.netproxy.netconf.support;

/** How a namespace's resolver is given the tunnel's DNS servers; the first holder of {@link SharedDns} picks it. */
enum DnsMethod {
    /** systemd-resolved runs: DNS servers of the TUN link, which takes every name ({@code ~.}) in a full tunnel. */
    RESOLVECTL("resolvectl"),
    /** resolvconf is installed: a record of netproxy's own, which it merges into /etc/resolv.conf. */
    RESOLVCONF("resolvconf"),
    /** Neither: /etc/resolv.conf is replaced, and put back from a backup. */
    FILE("file"),
    /** A namespace's own /etc/resolv.conf (a mount of its own): written in place, and put back from a backup. */
    FILE_IN_PLACE("file-in-place");

    private final String word;

    DnsMethod(String word) {
        this.word = word;
    }

    /** The word in the state file and the log. */
    String word() {
        return word;
    }

    boolean writesFile() {
        return this == FILE || this == FILE_IN_PLACE;
    }

    static DnsMethod byWord(String word) {
        for (DnsMethod method : values()) {
            if (method.word.equals(word)) return method;
        }
        throw new IllegalArgumentException("unknown DNS method '" + word + "'");
    }
}
