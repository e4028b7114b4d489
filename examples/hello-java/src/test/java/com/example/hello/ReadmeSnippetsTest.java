package com.example.hello;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Hello world without Spring" is this module: every file it shows, as it is here. */
class ReadmeSnippetsTest {
    private static final String MODULE = "examples/hello-java";

    @Test
    void theReadmeShowsEveryFileOfTheExampleAsItIs() {
        ReadmeBlocks readme = ReadmeBlocks.ofRepository();
        List<String> files = readme.mainFiles(MODULE);
        assertTrue(files.contains(MODULE + "/src/main/java/com/example/hello/HelloProvider.java"), files::toString);
        for (String file : files) {
            readme.assertShows(file, file);
        }
    }

    @Test
    void theReadmeListsTheDependenciesTheExampleUses() {
        ReadmeBlocks.ofRepository().assertShowsDependencies(MODULE);
    }

    @Test
    void aBlockThatDriftedIsReportedWithTheFileAndTheFirstDifferingLine() {
        String readme = """
                text
                <!-- example: a/B.java -->
                ```java
                class B {
                    int x;   \s
                }
                ```
                """;
        String block = ReadmeBlocks.parse(readme).get("a/B.java");
        assertTrue(ReadmeBlocks.firstDifference("class B {\n    int x;\n}", ReadmeBlocks.normalize(block)) == null);
        String difference = ReadmeBlocks.firstDifference("class B {\n    long x;\n}", ReadmeBlocks.normalize(block));
        assertTrue(difference.contains("at line 2") && difference.contains("long x;") && difference.contains("int x;"), difference);
        AssertionError unclosed = assertThrows(AssertionError.class, () -> ReadmeBlocks.parse("<!-- example: a/B.java -->\n```java\nclass B {}\n"));
        assertTrue(unclosed.getMessage().contains("a/B.java"), unclosed.getMessage());
    }
}
