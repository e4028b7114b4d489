package com.example.hello;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The README's example blocks: a fenced code block right after a line {@code <!-- example: PATH -->} shows the file
 * at PATH (relative to the repository root), byte for byte up to trailing whitespace. For a {@code pom.xml}, the block
 * lists the dependencies between the pom's {@code <!-- README -->} and {@code <!-- /README -->} comments, with the
 * versions the root pom gives them. So the README cannot drift from the examples: the examples build and run.
 */
final class ReadmeBlocks {
    private static final Pattern MARKER = Pattern.compile("<!-- example: (\\S+) -->");
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

    private final Path root;
    private final Map<String, String> blocks;

    private ReadmeBlocks(Path root, Map<String, String> blocks) {
        this.root = root;
        this.blocks = blocks;
    }

    /** The README of the repository this module is in (found upwards from the working directory). */
    static ReadmeBlocks ofRepository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("README.md")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("no README.md next to a pom.xml above " + Path.of("").toAbsolutePath());
        }
        return new ReadmeBlocks(dir, parse(read(dir.resolve("README.md"))));
    }

    static Map<String, String> parse(String readme) {
        List<String> lines = readme.lines().toList();
        Map<String, String> blocks = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i).strip());
            if (!m.matches()) {
                continue;
            }
            int open = i + 1;
            if (open >= lines.size() || !lines.get(open).startsWith("```")) {
                throw new AssertionError("README line " + (i + 1) + ": the marker for " + m.group(1)
                        + " must be followed at once by a fenced code block (```)");
            }
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).startsWith("```")) {
                close++;
            }
            if (close == lines.size()) {
                throw new AssertionError("README line " + (open + 1) + ": the code block for " + m.group(1) + " is not closed");
            }
            if (blocks.put(m.group(1), String.join("\n", lines.subList(open + 1, close))) != null) {
                throw new AssertionError("README shows " + m.group(1) + " twice");
            }
            i = close;
        }
        return blocks;
    }

    Path root() {
        return root;
    }

    /** The example paths the README shows, repository-relative. */
    TreeSet<String> shown() {
        return new TreeSet<>(blocks.keySet());
    }

    /** Every file under {@code module}'s src/main, repository-relative: what the README must show. */
    List<String> mainFiles(String module) {
        try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The README's block marked {@code shownAs} is the file {@code file} (both repository-relative). */
    void assertShows(String shownAs, String file) {
        String block = blocks.get(shownAs);
        if (block == null) {
            throw new AssertionError("README.md does not show " + shownAs + ": add a line <!-- example: " + shownAs
                    + " --> followed by a code block holding that file");
        }
        String difference = firstDifference(normalize(read(root.resolve(file))), normalize(block));
        if (difference != null) {
            throw new AssertionError("README.md's block for " + shownAs + " differs from " + file + " " + difference);
        }
    }

    /**
     * The README's block for {@code module}'s pom lists the dependencies its pom marks for the README, with groupId,
     * artifactId, version and scope, the versions being those of the root pom.
     */
    void assertShowsDependencies(String module) {
        String shownAs = module + "/pom.xml";
        String block = blocks.get(shownAs);
        if (block == null) {
            throw new AssertionError("README.md does not show the dependencies of " + module + ": add a line <!-- example: "
                    + shownAs + " --> followed by an xml block of <dependency> elements");
        }
        String pom = read(root.resolve(shownAs));
        int from = pom.indexOf("<!-- README -->");
        int to = pom.indexOf("<!-- /README -->");
        if (from < 0 || to < from) {
            throw new AssertionError(shownAs + " has no <!-- README --> ... <!-- /README --> around the dependencies to show");
        }
        List<String> expected = new ArrayList<>();
        for (Map<String, String> dependency : dependencies(pom.substring(from, to))) {
            dependency.put("version", version(dependency.get("groupId"), dependency.get("artifactId")));
            expected.add(describe(dependency));
        }
        List<String> shown = dependencies(block).stream().map(ReadmeBlocks::describe).toList();
        String difference = firstDifference(String.join("\n", expected), String.join("\n", shown));
        if (difference != null) {
            throw new AssertionError("README.md's dependency block for " + module + " differs from what its pom uses "
                    + difference);
        }
    }

    /** The version the root pom manages for an artifact, properties resolved. */
    private String version(String groupId, String artifactId) {
        String rootPom = read(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<groupId>" + Pattern.quote(groupId) + "</groupId><artifactId>" + Pattern.quote(artifactId)
                + "</artifactId><version>([^<]+)</version>").matcher(rootPom);
        if (!m.find()) {
            throw new AssertionError("the root pom manages no version of " + groupId + ":" + artifactId);
        }
        String version = m.group(1);
        if (version.equals("${project.version}")) {
            Matcher own = Pattern.compile("<artifactId>tern-rpc-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(rootPom);
            own.find();
            return own.group(1);
        }
        if (version.startsWith("${")) {
            String property = version.substring(2, version.length() - 1);
            Matcher p = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</" + Pattern.quote(property) + ">").matcher(rootPom);
            if (!p.find()) {
                throw new AssertionError("the root pom has no property " + property);
            }
            return p.group(1);
        }
        return version;
    }

    private static List<Map<String, String>> dependencies(String xml) {
        List<Map<String, String>> found = new ArrayList<>();
        Matcher m = DEPENDENCY.matcher(xml.replaceAll("(?s)<!--.*?-->", ""));
        while (m.find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : List.of("groupId", "artifactId", "version", "scope")) {
                Matcher f = Pattern.compile("<" + field + ">\\s*([^<]*?)\\s*</" + field + ">").matcher(m.group(1));
                if (f.find()) {
                    fields.put(field, f.group(1));
                }
            }
            found.add(fields);
        }
        return found;
    }

    private static String describe(Map<String, String> d) {
        return d.get("groupId") + ":" + d.get("artifactId") + ":" + d.get("version") + (d.containsKey("scope") ? " (" + d.get("scope") + ")" : "");
    }

    /** Trailing whitespace of each line and trailing blank lines do not count. */
    static String normalize(String text) {
        return text.lines().map(String::stripTrailing).reduce((a, b) -> a + "\n" + b).orElse("").stripTrailing();
    }

    /** Null if equal, else where they first differ: "at line N: expected ... but the README has ...". */
    static String firstDifference(String expected, String shown) {
        List<String> e = expected.lines().toList();
        List<String> s = shown.lines().toList();
        for (int i = 0; i < Math.max(e.size(), s.size()); i++) {
            String want = i < e.size() ? e.get(i) : "<end>";
            String have = i < s.size() ? s.get(i) : "<end>";
            if (!want.equals(have)) {
                return "at line " + (i + 1) + ":\n  expected: " + want + "\n  README:   " + have;
            }
        }
        return null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
