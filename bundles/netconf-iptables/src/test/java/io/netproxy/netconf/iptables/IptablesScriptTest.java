package io.netproxy.netconf.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesScriptTest {

    @Test
    void parseReadsWhatRenderWrote() {
        IptablesScript script = new ServerRules("t", "tun0", Ipv4Cidr.parse("10.8.0.0/24", "s"), "eth0").remove();
        assertEquals(script, IptablesScript.parse(script.render()));
        assertEquals(9, script.statementCount());
    }

    @Test
    void eachStatementKeepsItsTable() {
        IptablesScript script = IptablesScript.parse("*filter\n-F A\n-X A\nCOMMIT\n*nat\n-X B\nCOMMIT\n");
        assertEquals(List.of("*filter\n-F A\nCOMMIT\n", "*filter\n-X A\nCOMMIT\n", "*nat\n-X B\nCOMMIT\n"),
                script.eachStatement().stream().map(IptablesScript::render).toList());
    }

    @Test
    void rejectsStatementsOutsideATable() {
        assertThrows(IllegalArgumentException.class, () -> IptablesScript.parse("-F A\n"));
        assertThrows(IllegalArgumentException.class, () -> IptablesScript.parse("*filter\n-F A\n"));
    }
}
