package io.netproxy.netconf.support;

import java.util.List;

/**
 * The programs the configurators drive, with the Debian package that provides each. Journals name them by
 * command, so every configurator can run every other's undo steps.
 */
public enum Tool {
    IP("ip", "iproute2", List.of("No such process", "Cannot find device", "No such device")),
    IPTABLES_RESTORE("iptables-restore", "iptables", Gone.IPTABLES),
    IP6TABLES_RESTORE("ip6tables-restore", "iptables", Gone.IPTABLES),
    SYSCTL("sysctl", "procps", List.of()),
    /** A missing table makes the kernel answer ENOENT. */
    NFT("nft", "nftables", List.of("No such file or directory")),
    /** systemd-resolved's per-link DNS; a link that went away took its settings with it. */
    RESOLVECTL("resolvectl", "systemd-resolved", List.of("No such device")),
    RESOLVCONF("resolvconf", "resolvconf", List.of());

    /** Enum constants cannot refer to the enum's own static fields. */
    private static final class Gone {
        static final List<String> IPTABLES =
                List.of("does a matching rule exist", "No chain/target/match by that name", "does not exist");
    }

    private final String command;
    private final String debianPackage;
    private final List<String> alreadyGoneMarkers;

    Tool(String command, String debianPackage, List<String> alreadyGoneMarkers) {
        this.command = command;
        this.debianPackage = debianPackage;
        this.alreadyGoneMarkers = alreadyGoneMarkers;
    }

    public String command() {
        return command;
    }

    public String installHint() {
        return command + " not found: install it with 'apt-get install " + debianPackage + "'";
    }

    /** Whether a failed removal says that the thing to remove is not there (commands run with LC_ALL=C). */
    boolean saysAlreadyGone(String stderr) {
        return alreadyGoneMarkers.stream().anyMatch(stderr::contains);
    }

    static Tool byCommand(String command) {
        for (Tool tool : values()) {
            if (tool.command.equals(command)) return tool;
        }
        throw new IllegalArgumentException("unknown tool '" + command + "'");
    }
}
