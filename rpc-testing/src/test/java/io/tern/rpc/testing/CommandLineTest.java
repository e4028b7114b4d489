package io.tern.rpc.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CommandLineTest {
    @Test
    void portIs2181UnlessGiven() throws Exception {
        assertEquals(2181, CommandLine.port(new String[0]));
        assertEquals(2182, CommandLine.port(new String[] {"--port", "2182"}));
        assertEquals(2183, CommandLine.port(new String[] {"--port=2183"}));
        assertEquals(0, CommandLine.port(new String[] {"-p", "0"}));
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("port 'x' is not a number",
                assertThrows(IllegalArgumentException.class, () -> CommandLine.port(new String[] {"--port", "x"})).getMessage());
        assertEquals("port 70000 is out of range (0 to 65535)",
                assertThrows(IllegalArgumentException.class, () -> CommandLine.port(new String[] {"--port=70000"})).getMessage());
        assertEquals("--port needs a port number",
                assertThrows(IllegalArgumentException.class, () -> CommandLine.port(new String[] {"--port"})).getMessage());
        assertEquals("unknown argument '2182'",
                assertThrows(IllegalArgumentException.class, () -> CommandLine.port(new String[] {"2182"})).getMessage());
        assertThrows(CommandLine.Help.class, () -> CommandLine.port(new String[] {"--help"}));
    }
}
