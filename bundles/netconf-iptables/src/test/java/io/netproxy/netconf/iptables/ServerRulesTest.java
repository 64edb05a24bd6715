package io.netproxy.netconf.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ServerRulesTest {
    private final ServerRules rules = new ServerRules("home", "tun0", "10.8.0.0/24", "eth0");
    private final ChainNames chains = ChainNames.forTunnel("home");

    @Test
    void installDeclaresOwnChainsAndInsertsOneLabelledJumpPerBuiltinChain() {
        String fwd = chains.forward();
        String nat = chains.nat();
        String mss = chains.mss();
        assertEquals("""
                *filter
                :%1$s - [0:0]
                -A %1$s -i tun0 -j ACCEPT
                -A %1$s -o tun0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                -I FORWARD 1 -m comment --comment "netproxy home" -j %1$s
                COMMIT
                *nat
                :%2$s - [0:0]
                -A %2$s -s 10.8.0.0/24 -o eth0 -j MASQUERADE
                -I POSTROUTING 1 -m comment --comment "netproxy home" -j %2$s
                COMMIT
                *mangle
                :%3$s - [0:0]
                -A %3$s -i tun0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
                -A %3$s -o tun0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
                -I FORWARD 1 -m comment --comment "netproxy home" -j %3$s
                COMMIT
                """.formatted(fwd, nat, mss), rules.install().render());
    }

    @Test
    void removeDeletesTheJumpsThenFlushesAndDeletesTheChainsInTheSameTableOrder() {
        assertEquals("""
                *filter
                -D FORWARD -m comment --comment "netproxy home" -j %1$s
                -F %1$s
                -X %1$s
                COMMIT
                *nat
                -D POSTROUTING -m comment --comment "netproxy home" -j %2$s
                -F %2$s
                -X %2$s
                COMMIT
                *mangle
                -D FORWARD -m comment --comment "netproxy home" -j %3$s
                -F %3$s
                -X %3$s
                COMMIT
                """.formatted(chains.forward(), chains.nat(), chains.mss()), rules.remove().render());
    }
}
