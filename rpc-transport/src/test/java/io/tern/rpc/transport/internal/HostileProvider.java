package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A malicious provider on 127.0.0.1 driven by the test thread: unlike {@link FakeProvider} it reads nothing unless the
 * test asks (so it can play a peer that never reads), and writes large answers in 64 KiB pieces. It follows the
 * consumer across reconnects: {@link #nextRequest} moves on to the newest accepted connection when the current one ends.
 */
final class HostileProvider implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> all = new CopyOnWriteArrayList<>();
    private Socket current;
    private DataInputStream in;

    /** @param receiveBuffer receive buffer of accepted connections in bytes (small: a peer that barely reads), 0 for the default */
    HostileProvider(int receiveBuffer) throws IOException {
        server = new ServerSocket();
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer); // inherited by accepted sockets
        }
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        Thread acceptor = new Thread(this::acceptLoop, "hostile-provider-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                all.add(s);
                accepted.add(s);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The connection the consumer uses now: the newest accepted one, waiting up to {@code within} for the first. */
    Socket connection(Duration within) throws IOException, InterruptedException {
        Socket newer;
        while ((newer = accepted.poll()) != null) {
            use(newer);
        }
        if (current == null) {
            Socket first = accepted.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                throw new AssertionError("the consumer did not connect to the hostile provider within " + within.toMillis() + " ms");
            }
            use(first);
        }
        return current;
    }

    private void use(Socket s) throws IOException {
        current = s;
        in = new DataInputStream(s.getInputStream());
    }

    /** The next REQUEST from the consumer (PINGs skipped), following it to a new connection if the current one ended. */
    RawFrame nextRequest(Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            connection(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            try {
                current.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                byte[] header = new byte[FrameHeader.LENGTH];
                in.readFully(header);
                int length = java.nio.ByteBuffer.wrap(header).getInt(FrameHeader.OFFSET_LENGTH);
                byte[] body = new byte[Math.max(0, length - FrameHeader.LENGTH)];
                in.readFully(body);
                RawFrame f = Wire.parse(header, body);
                if (f.type() == MessageType.REQUEST) {
                    return f;
                }
            } catch (EOFException | SocketException e) {
                current = null; // the consumer dropped this connection: wait for it to reconnect
                Socket next = accepted.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("the consumer closed its connection and did not reconnect in time", e);
                }
                use(next);
            }
        }
    }

    /** Writes {@code bytes} to the current connection, 64 KiB at a time. */
    void send(byte[] bytes) throws IOException {
        OutputStream out = current.getOutputStream();
        for (int at = 0; at < bytes.length; at += HostileConnection.CHUNK) {
            out.write(bytes, at, Math.min(HostileConnection.CHUNK, bytes.length - at));
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : all) {
            s.close();
        }
    }
}
