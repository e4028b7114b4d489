package io.tern.rpc.testing;

/** The arguments of {@link LocalRegistry#main}: {@code [--port N | --port=N] [--help]}. */
final class CommandLine {
    static final String USAGE = "usage: LocalRegistry [--port N]   (a ZooKeeper on 127.0.0.1:N, " + LocalRegistry.DEFAULT_PORT
            + " by default, until Ctrl-C; 0 picks a free port)";

    /** Asked for the usage. */
    static final class Help extends Exception {
        Help() {
            super("help", null, false, false);
        }
    }

    private CommandLine() {
    }

    /** @throws IllegalArgumentException naming the bad argument */
    static int port(String[] args) throws Help {
        int port = LocalRegistry.DEFAULT_PORT;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new Help();
            } else if (arg.equals("--port") || arg.equals("-p")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(arg + " needs a port number");
                }
                port = parse(args[++i]);
            } else if (arg.startsWith("--port=")) {
                port = parse(arg.substring("--port=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return port;
    }

    private static int parse(String text) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + text + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (0 to 65535)");
        }
        return port;
    }
}
