package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A blocking client socket to 127.0.0.1 that sends raw bytes and reads whole frames, every read bounded by SO_TIMEOUT. */
final class RawConnection implements AutoCloseable {
    static final int READ_TIMEOUT_MS = 5000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawConnection(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** The peer string a server logs for this connection. */
    String peer() {
        return "127.0.0.1:" + localPort();
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one whole frame; fails on EOF or when nothing arrives within the read timeout. */
    RawFrame readFrame() throws IOException {
        byte[] header = new byte[FrameHeader.LENGTH];
        in.readFully(header);
        int length = java.nio.ByteBuffer.wrap(header).getInt(FrameHeader.OFFSET_LENGTH);
        if (length < FrameHeader.LENGTH || length > 64 * 1024 * 1024) {
            throw new IOException("peer sent a frame with length " + length);
        }
        byte[] body = new byte[length - FrameHeader.LENGTH];
        in.readFully(body);
        return Wire.parse(header, body);
    }

    /** Sends a request frame and reads the next frame, which must be its RESPONSE. */
    RawFrame call(byte[] requestFrame, int id) throws IOException {
        send(requestFrame);
        RawFrame f = readFrame();
        assertEquals(MessageType.RESPONSE, f.type(), () -> "expected a RESPONSE, got " + f);
        assertEquals(id, f.requestId(), () -> "response id of " + f);
        return f;
    }

    /** PING with {@code id}; asserts the next frame is the matching PONG. */
    RawFrame ping(int id) throws IOException {
        send(Wire.ping(id));
        RawFrame f = readFrame();
        assertEquals(MessageType.PONG, f.type(), () -> "expected a PONG, got " + f);
        assertEquals(id, f.requestId(), () -> "PONG id of " + f);
        assertEquals(FrameHeader.LENGTH, f.length(), "PONG length");
        return f;
    }

    /**
     * Waits up to {@code within} for the peer to close: true on EOF (read returns -1), false when still open at the
     * deadline. Any byte received first fails: a closed-for-bad-input connection must not be answered.
     */
    boolean awaitEof(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        InputStream raw = socket.getInputStream();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                int b;
                try {
                    b = raw.read();
                } catch (SocketTimeoutException e) {
                    return false;
                }
                if (b == -1) {
                    return true;
                }
                throw new AssertionError("expected the connection to be closed, but received byte " + b);
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(READ_TIMEOUT_MS);
            }
        }
    }

    /** True when the peer closed or reset the connection within {@code within}; bytes received meanwhile are skipped. */
    boolean awaitClosedSkipping(Duration within) throws IOException {
        return awaitClosedSkipping(socket, within);
    }

    /** As {@link #awaitClosedSkipping(Duration)}, for any client socket. */
    static boolean awaitClosedSkipping(Socket socket, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        InputStream raw = socket.getInputStream();
        byte[] sink = new byte[4096];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (raw.read(sink) == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset by peer
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
