package io.tern.rpc.benchmark.conns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started on this JVM's class path running one of the benchmark's nodes, driven line by line: a command on its
 * stdin, an answer line starting with an expected word on its stdout (its log goes to stderr, inherited). End of its
 * stdin ends it, so a dead driver leaves no node behind.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    ChildJvm(String name, List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        this.name = name;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        if (System.getProperty("tern.transport.nio") != null) {
            cmd.add("-Dtern.transport.nio=" + System.getProperty("tern.transport.nio"));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    long pid() {
        return process.pid();
    }

    /** Sends {@code command} and returns the rest of the first answer line that starts with {@code reply}. */
    String ask(String command, String reply) throws IOException {
        in.println(command);
        return expect(reply);
    }

    /** The rest of the next line starting with {@code prefix} (other lines are skipped). */
    String expect(String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
            if (line.startsWith("FAILED")) {
                throw new IOException(name + ": " + line);
            }
        }
        throw new IOException(name + " ended (exit " + waitExit() + ") before printing " + prefix.trim());
    }

    private String waitExit() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public void close() {
        try {
            in.println("QUIT");
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
