package io.tern.rpc.benchmark.conns;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The command loop of a node process: reads one command per line from stdin and prints its answer line on stdout.
 * {@code MEM} is common to every node ({@link MemorySnapshot}); {@code QUIT} or the end of stdin (the driver died)
 * ends the loop. A command that fails is answered {@code FAILED <why>}.
 */
final class NodeLoop {
    /** A node's own commands. */
    interface Commands {
        /** The answer line to {@code words}, or null if the command is unknown. */
        String answer(String[] words) throws Exception;
    }

    private NodeLoop() {
    }

    @SuppressWarnings("java:S106") // stdout is the node's channel to the driver
    static void run(Commands commands) throws Exception {
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("QUIT")) {
                break;
            }
            String answer;
            try {
                answer = words[0].equals("MEM") ? "MEM " + MemorySnapshot.take().line() : commands.answer(words);
                if (answer == null) {
                    answer = "FAILED unknown command " + line;
                }
            } catch (Exception e) {
                answer = "FAILED " + line + ": " + e;
            }
            out.println(answer);
            out.flush();
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
