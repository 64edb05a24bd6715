package io.netproxy.netconf.nftables;

import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.UndoStep;
import java.util.List;

/**
 * {@code nft -f} input for a table of netproxy's own, which is created whole in one transaction and removed whole by
 * deleting it, so nothing of anyone else's is ever touched.
 */
final class TableScript {
    private TableScript() {
    }

    /** Declaring and deleting the table first makes the transaction replace a leftover of the same name (whose journal was lost). */
    static String replacing(String family, String name, String... chains) {
        String table = "table " + family + " " + name;
        return table + "\n" + "delete " + table + "\n" + table + " {\n" + String.join("", chains) + "}\n";
    }

    /** A base chain with policy accept, each rule ending in {@code comment}. */
    static String chain(String chain, String hook, List<String> rules, String comment) {
        StringBuilder text = new StringBuilder("\tchain ").append(chain).append(" {\n")
                .append("\t\ttype ").append(hook).append("; policy accept;\n");
        rules.forEach(rule -> text.append("\t\t").append(rule).append(' ').append(comment).append('\n'));
        return text.append("\t}\n").toString();
    }

    /** @param what what deleting it means, leading the description (may be empty) */
    static UndoStep removal(String family, String name, String what) {
        return new UndoStep(Tool.NFT, List.of("delete", "table", family, name), "",
                what + "delete nftables table " + family + " " + name);
    }
}
