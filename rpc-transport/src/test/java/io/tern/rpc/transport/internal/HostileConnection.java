package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A blocking raw socket to a provider on 127.0.0.1, as an attacker holds it: it may come from another loopback address
 * (so per-peer limits and per-peer log lines see a different host than the well-behaved probes), may shrink its
 * socket buffers, and writes large payloads in 64 KiB pieces (so the JDK never makes one huge temporary direct buffer,
 * which would blur the direct-memory measurement of the server under attack).
 */
final class HostileConnection implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress OTHER_LOOPBACK = address("127.0.0.2");
    /** Whether this machine routes 127.0.0.2 to the loopback interface (Linux does; some systems do not). */
    private static final boolean OTHER_LOOPBACK_USABLE = probeOtherLoopback();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private HostileConnection(InetAddress from, int port, int receiveBuffer, int sendBuffer, int connectTimeoutMillis) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connect, so the TCP window is negotiated with it
        }
        if (sendBuffer > 0) {
            socket.setSendBufferSize(sendBuffer);
        }
        socket.setTcpNoDelay(true);
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(LOOPBACK, port), connectTimeoutMillis);
            socket.setSoTimeout(RawConnection.READ_TIMEOUT_MS);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A connection from the attacker's address (127.0.0.2 where usable, else 127.0.0.1). */
    static HostileConnection open(int port) throws IOException {
        return new HostileConnection(attacker(), port, 0, 0, RawConnection.READ_TIMEOUT_MS);
    }

    /** A connection from the attacker's address with the given socket buffer sizes (0 = system default). */
    static HostileConnection open(int port, int receiveBuffer, int sendBuffer) throws IOException {
        return new HostileConnection(attacker(), port, receiveBuffer, sendBuffer, RawConnection.READ_TIMEOUT_MS);
    }

    /** A connection from the probes' own address, 127.0.0.1, connecting within {@code timeoutMillis}. */
    static HostileConnection fromProbeAddress(int port, int timeoutMillis) throws IOException {
        return new HostileConnection(LOOPBACK, port, 0, 0, timeoutMillis);
    }

    /** The address attacks come from. */
    static InetAddress attacker() {
        return OTHER_LOOPBACK_USABLE ? OTHER_LOOPBACK : LOOPBACK;
    }

    /** True when attacks come from another host than the probes (needed where a test relies on per-peer limits). */
    static boolean attackerIsAnotherPeer() {
        return OTHER_LOOPBACK_USABLE;
    }

    Socket socket() {
        return socket;
    }

    /** The peer string a server logs for this connection. */
    String peer() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** Writes all of {@code bytes}, 64 KiB at a time. */
    HostileConnection send(byte[] bytes) throws IOException {
        return send(bytes, 0, bytes.length);
    }

    HostileConnection send(byte[] bytes, int offset, int length) throws IOException {
        for (int at = offset, end = offset + length; at < end; at += CHUNK) {
            out.write(bytes, at, Math.min(CHUNK, end - at));
        }
        out.flush();
        return this;
    }

    /** Reads one whole frame, waiting at most {@code timeout} for each read; EOF is an {@link EOFException}. */
    RawFrame readFrame(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        byte[] header = new byte[FrameHeader.LENGTH];
        try {
            in.readFully(header);
            int length = java.nio.ByteBuffer.wrap(header).getInt(FrameHeader.OFFSET_LENGTH);
            if (length < FrameHeader.LENGTH || length > 64 * 1024 * 1024) {
                throw new IOException("peer sent a frame with length " + length);
            }
            byte[] body = new byte[length - FrameHeader.LENGTH];
            in.readFully(body);
            return Wire.parse(header, body);
        } catch (EOFException e) {
            throw new EOFException("the provider closed the connection instead of answering");
        }
    }

    /** Reads frames until the RESPONSE to {@code id}, skipping PONGs and control frames; fails after {@code timeout}. */
    RawFrame awaitResponse(int id, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no RESPONSE to request " + id + " within " + timeout.toMillis() + " ms");
            }
            RawFrame f = readFrame(Duration.ofNanos(left));
            if (f.type() == MessageType.RESPONSE && f.requestId() == id) {
                return f;
            }
            if (f.type() == MessageType.RESPONSE) {
                throw new AssertionError("expected the RESPONSE to " + id + ", got " + f);
            }
        }
    }

    /** PING, then the next frame must be its PONG, within {@code timeout}. */
    void ping(int id, Duration timeout) throws IOException {
        send(Wire.ping(id));
        RawFrame f = readFrame(timeout);
        assertEquals(MessageType.PONG, f.type(), () -> "expected a PONG, got " + f);
        assertEquals(id, f.requestId(), () -> "PONG id of " + f);
    }

    /**
     * What the connection looks like within {@code within}: CLOSED on EOF or reset, OPEN if nothing arrives, DATA if a
     * byte arrives (that byte is consumed).
     */
    Liveness liveness(Duration within) throws IOException {
        try {
            socket.setSoTimeout((int) Math.max(1, within.toMillis()));
            int b = socket.getInputStream().read();
            return b == -1 ? Liveness.CLOSED : Liveness.DATA;
        } catch (SocketTimeoutException e) {
            return Liveness.OPEN;
        } catch (SocketException e) {
            return Liveness.CLOSED; // reset by the peer
        }
    }

    /** True when the peer closed or reset the connection within {@code within}; bytes received meanwhile are skipped. */
    boolean awaitClosed(Duration within) throws IOException {
        return RawConnection.awaitClosedSkipping(socket, within);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    enum Liveness { OPEN, CLOSED, DATA }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean probeOtherLoopback() {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(OTHER_LOOPBACK, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
