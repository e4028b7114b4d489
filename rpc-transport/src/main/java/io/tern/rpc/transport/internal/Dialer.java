package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.tern.rpc.transport.internal.FrameDecoder;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/** Opens one channel of a connection: the TCP connect on the connection's loop, its pipeline, and the TLS handshake. */
final class Dialer {
    private final ClientIo io;
    private final String host;
    private final int port;
    private final String address;
    private final EventLoop loop;
    /** The connection's handler for a new channel, last in its pipeline. */
    private final Supplier<ChannelHandler> handler;

    Dialer(ClientIo io, String host, int port, String address, EventLoop loop, Supplier<ChannelHandler> handler) {
        this.io = io;
        this.host = host;
        this.port = port;
        this.address = address;
        this.loop = loop;
        this.handler = handler;
    }

    /** A future that succeeds once the new channel may carry requests: connected, and with TLS on, handshaken. */
    ChannelFuture dial() {
        ChannelFuture cf = io.bootstrap().clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                long hb = io.config().heartbeatInterval().toMillis();
                if (io.sslContext() != null) {
                    ch.pipeline().addLast("tls", tlsHandler(ch));
                }
                ch.pipeline()
                        // read idle only: IdleStateHandler's write tracking costs a promise and a listener per write, so
                        // the heartbeat asks the write queue instead (see KeepAlive)
                        .addLast("idle", new IdleStateHandler(3 * hb, 0, 0, TimeUnit.MILLISECONDS))
                        .addLast("frames", new FrameDecoder(io.config().maxFrameLength(), io.peerLog()))
                        .addLast("handler", handler.get());
            }
        }).connect(host, port);
        return io.sslContext() == null ? cf : handshaken(cf);
    }

    private SslHandler tlsHandler(Channel ch) {
        SslHandler tls = io.sslContext().newHandler(ch.alloc(), host, port);
        if (io.config().tls().verifyHostname()) {
            SSLParameters params = tls.engine().getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.engine().setSSLParameters(params);
        }
        return tls;
    }

    /** READY only once the TLS handshake succeeded: an untrusted peer never gets a request. */
    private ChannelFuture handshaken(ChannelFuture cf) {
        ChannelPromise handshaken = cf.channel().newPromise();
        cf.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                handshaken.tryFailure(f.cause());
                return;
            }
            f.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    handshaken.trySuccess();
                } else {
                    handshaken.tryFailure(new SSLException("TLS handshake with " + address + " failed: " + h.cause().getMessage(), h.cause()));
                    f.channel().close();
                }
            });
        });
        return handshaken;
    }
}
