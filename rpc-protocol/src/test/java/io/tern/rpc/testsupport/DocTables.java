package io.tern.rpc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the tables and example blocks of the documents under {@code docs/}, for the tests that keep those documents
 * and the code in step: a document is found from the module directory up, so a test fails (rather than passes
 * vacuously) when the document, its heading or its table is missing.
 */
public final class DocTables {
    private DocTables() {
    }

    /** The lines of {@code docs/<name>}, looked up from the working directory (a module) and its parents. */
    public static List<String> lines(String name) {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs").resolve(name);
            if (Files.isRegularFile(doc)) {
                try {
                    return Files.readAllLines(doc);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new AssertionError("docs/" + name + " not found from " + Paths.get("").toAbsolutePath());
    }

    /**
     * The body rows (cells trimmed, without the header and separator rows) of the first table after the heading whose
     * text is {@code heading} (any level), before the next heading.
     */
    public static List<List<String>> table(List<String> lines, String heading) {
        int i = headingIndex(lines, heading) + 1;
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            if (lines.get(i).startsWith("#")) {
                throw new AssertionError("no table under heading '" + heading + "'");
            }
            i++;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int row = 0; i < lines.size() && lines.get(i).startsWith("|"); i++, row++) {
            if (row >= 2) { // header, separator
                rows.add(cells(lines.get(i)));
            }
        }
        if (rows.isEmpty()) {
            throw new AssertionError("empty table under heading '" + heading + "'");
        }
        return rows;
    }

    /** The lines of the fenced code block that follows the line {@code <!-- marker -->}. */
    public static List<String> block(List<String> lines, String marker) {
        int at = lines.indexOf("<!-- " + marker + " -->");
        if (at < 0) {
            throw new AssertionError("no '<!-- " + marker + " -->' in the document");
        }
        int open = at + 1;
        while (open < lines.size() && !lines.get(open).startsWith("```")) {
            open++;
        }
        List<String> block = new ArrayList<>();
        for (int i = open + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            block.add(lines.get(i));
        }
        return block;
    }

    /** A cell's text without surrounding backticks: {@code `rpc.enabled`} is {@code rpc.enabled}. */
    public static String code(String cell) {
        String c = cell.trim();
        return c.length() >= 2 && c.startsWith("`") && c.endsWith("`") && c.indexOf('`', 1) == c.length() - 1 ? c.substring(1, c.length() - 1) : c;
    }

    private static int headingIndex(List<String> lines, String heading) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("#") && l.replaceFirst("^#+\\s*", "").trim().equals(heading)) {
                return i;
            }
        }
        throw new AssertionError("no heading '" + heading + "' in the document");
    }

    private static List<String> cells(String row) {
        String r = row.trim();
        r = r.substring(1, r.endsWith("|") ? r.length() - 1 : r.length());
        // a '|' inside backticks is escaped as '\|' in the table
        return Arrays.stream(r.split("(?<!\\\\)\\|", -1)).map(c -> c.trim().replace("\\|", "|")).toList();
    }
}
