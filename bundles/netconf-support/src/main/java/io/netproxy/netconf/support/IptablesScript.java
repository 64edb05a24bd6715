package io.netproxy.netconf.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Input for {@code iptables-restore}: statements grouped by table, each table committed on its own. Shared because
 * every configurator must be able to revert an iptables journal, statement by statement when part of it is gone.
 */
public record IptablesScript(List<Table> tables) {

    public record Table(String name, List<String> statements) {
        public Table {
            statements = List.copyOf(statements);
        }
    }

    public IptablesScript {
        tables = List.copyOf(tables);
    }

    public String render() {
        StringBuilder text = new StringBuilder();
        for (Table table : tables) {
            text.append('*').append(table.name()).append('\n');
            table.statements().forEach(statement -> text.append(statement).append('\n'));
            text.append("COMMIT\n");
        }
        return text.toString();
    }

    public static IptablesScript parse(String text) {
        List<Table> tables = new ArrayList<>();
        String table = null;
        List<String> statements = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1);
                statements = new ArrayList<>();
            } else if (line.equals("COMMIT")) {
                if (table == null) throw new IllegalArgumentException("COMMIT outside a table in iptables-restore input");
                tables.add(new Table(table, statements));
                table = null;
            } else if (!line.isBlank()) {
                if (table == null) throw new IllegalArgumentException("statement outside a table: " + line);
                statements.add(line);
            }
        }
        if (table != null) throw new IllegalArgumentException("table " + table + " has no COMMIT");
        return new IptablesScript(tables);
    }

    public int statementCount() {
        return tables.stream().mapToInt(table -> table.statements().size()).sum();
    }

    /** One script per statement, so that a removal can go on past a part that is already gone. */
    List<IptablesScript> eachStatement() {
        List<IptablesScript> scripts = new ArrayList<>();
        for (Table table : tables) {
            for (String statement : table.statements()) {
                scripts.add(new IptablesScript(List.of(new Table(table.name(), List.of(statement)))));
            }
        }
        return scripts;
    }
}
