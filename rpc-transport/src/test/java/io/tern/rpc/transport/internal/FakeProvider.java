package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.internal.FrameHeader;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A provider under the test's control, bound to 127.0.0.1: it accepts connections and reads whole frames, and never
 * writes a byte unless the test does. Frames and end-of-stream are recorded per connection.
 */
final class FakeProvider implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Conn> accepted = new LinkedBlockingQueue<>();
    private final List<Conn> all = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeProvider() throws IOException {
        this(0);
    }

    FakeProvider(int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        acceptor = new Thread(this::acceptLoop, "fake-provider-accept-" + port());
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
                Conn c = new Conn(s);
                all.add(c);
                accepted.add(c);
                c.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The next accepted connection, waiting up to {@code within}. */
    Conn awaitConnection(Duration within) throws InterruptedException {
        Conn c = accepted.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionError("no connection to the fake provider within " + within.toMillis() + " ms");
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Conn c : all) {
            c.close();
        }
    }

    /** One accepted connection and its reader thread. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final BlockingQueue<RawFrame> frames = new LinkedBlockingQueue<>();
        final CountDownLatch eof = new CountDownLatch(1);
        volatile long eofNanos;
        private final Thread reader;

        Conn(Socket socket) {
            this.socket = socket;
            this.reader = new Thread(this::readLoop, "fake-provider-read-" + socket.getPort());
            reader.setDaemon(true);
        }

        void start() {
            reader.start();
        }

        private void readLoop() {
            try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
                while (true) {
                    byte[] header = new byte[FrameHeader.LENGTH];
                    in.readFully(header);
                    int length = java.nio.ByteBuffer.wrap(header).getInt(FrameHeader.OFFSET_LENGTH);
                    byte[] body = new byte[Math.max(0, length - FrameHeader.LENGTH)];
                    in.readFully(body);
                    frames.add(Wire.parse(header, body));
                }
            } catch (EOFException | SocketException e) {
                // peer closed (or we closed the socket)
            } catch (IOException e) {
                // treated as closed
            } finally {
                eofNanos = System.nanoTime();
                eof.countDown();
            }
        }

        /** The next frame the client sent, waiting up to {@code within}; null if none. */
        RawFrame nextFrame(Duration within) throws InterruptedException {
            return frames.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        }

        boolean awaitEof(Duration within) throws InterruptedException {
            return eof.await(within.toMillis(), TimeUnit.MILLISECONDS);
        }

        void write(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        /** Drops the connection like a crashed process would: RST, no FIN handshake. */
        void crash() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
