package com.example.hello;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Hello world with Spring Boot" is this module: every file it shows, as it is here. */
class ReadmeSnippetsTest {
    private static final String MODULE = "examples/hello-boot";
    /** The README shows the interface once, in the section without Spring; this module's copy must be the same. */
    private static final String HELLO = "/src/main/java/com/example/hello/Hello.java";

    @Test
    void theReadmeShowsEveryFileOfTheExampleAsItIs() {
        ReadmeBlocks readme = ReadmeBlocks.ofRepository();
        List<String> files = readme.mainFiles(MODULE);
        assertTrue(files.contains(MODULE + "/src/main/resources/application.properties"), files::toString);
        for (String file : files) {
            readme.assertShows(file.equals(MODULE + HELLO) ? "examples/hello-java" + HELLO : file, file);
        }
    }

    @Test
    void theReadmeListsTheDependenciesTheExampleUses() {
        ReadmeBlocks.ofRepository().assertShowsDependencies(MODULE);
    }
}
