package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesScriptTest {

    @Test
    void parseReadsWhatRenderWrote() {
        IptablesScript script = new IptablesScript(List.of(
                new IptablesScript.Table("filter", List.of("-D FORWARD -m comment --comment \"netproxy t\" -j A", "-F A", "-X A")),
                new IptablesScript.Table("nat", List.of("-D POSTROUTING -m comment --comment \"netproxy t\" -j B", "-F B", "-X B"))));
        assertEquals(script, IptablesScript.parse(script.render()));
        assertEquals(6, script.statementCount());
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
