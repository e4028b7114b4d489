package io.tern.rpc.transport.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.transport.internal.InboundBudget;
import io.tern.rpc.transport.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The provider's Netty side: binds, admits connections (rpc.server.max-connections, per-peer limit), builds each
 * one's pipeline (TLS, idle, frames, {@link ServerHandler}), and closes them all at the end of a drain.
 */
public final class ServerListener {
    private static final Logger log = LoggerFactory.getLogger(ServerListener.class);

    private final ProviderParts parts;
    private final InboundBudget inbound;
    private final SslContext sslContext;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private volatile ChannelGroup channels;

    /** Client connections open now (0 before start). */
    public int connections() {
        ChannelGroup group = channels;
        return group == null ? 0 : group.size();
    }

    public ServerListener(ProviderParts parts, InboundBudget inbound, SslContext sslContext) {
        this.parts = parts;
        this.inbound = inbound;
        this.sslContext = sslContext;
    }

    /** Binds; throws IllegalStateException (naming rpc.server.port) if it cannot. */
    public void bind() {
        ServerConfig config = parts.config();
        boss = Transports.group(1, "tern-server-boss", IoThreads.Role.SERVER_IO);
        workers = Transports.group(config.ioThreads(), "tern-server-io", IoThreads.Role.SERVER_IO);
        channels = new DefaultChannelGroup("tern-server", GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // fairness: one busy connection reads at most 4 buffers (Netty's default is 16) before the event loop
                // serves its other connections, so a flood on one connection cannot stall the rest for long
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(4))
                // past 64 KiB of unflushed responses a connection stops reading until its client catches up
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        InetSocketAddress bindAddress = config.host() == null || config.host().isEmpty()
                ? new InetSocketAddress(config.port()) : new InetSocketAddress(config.host(), config.port());
        try {
            serverChannel = b.bind(bindAddress).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw new IllegalStateException("cannot bind Tern RPC server to " + bindAddress + ": " + e.getMessage()
                    + " (is the port in use? set rpc.server.port)", e);
        }
    }

    private void accept(SocketChannel ch) {
        ServerConfig config = parts.config();
        String peer = FrameDecoder.peer(ch.remoteAddress());
        if (channels.size() >= config.maxConnections()) {
            parts.peerLog().warn(log, peer, "Refusing connection from " + peer + ": " + channels.size()
                    + " connections open (rpc.server.max-connections)");
            ch.close();
            return;
        }
        InboundBudget.Share share = inbound.open(hostOf(ch));
        if (share == null) {
            parts.peerLog().warn(log, peer, "Refusing connection from " + peer + ": its address already holds "
                    + config.maxConnectionsPerPeer() + " connections (rpc.server.max-connections-per-peer)");
            ch.close();
            return;
        }
        channels.add(ch);
        ch.closeFuture().addListener(f -> {
            share.close();
            parts.drain().closed(ch); // a client that finished draining closed
        });
        if (sslContext != null) {
            ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast("frames", new FrameDecoder(config.maxFrameLength(), parts.peerLog(), share, config.frameTimeout().toNanos(),
                        config.minFrameRate()))
                .addLast("handler", new ServerHandler(parts, share));
    }

    private static String hostOf(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress());
    }

    public Channel serverChannel() {
        return serverChannel;
    }

    public ChannelGroup channels() {
        return channels;
    }

    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }

    /** Closes every connection once the responses already queued on it are flushed, then the event loops. */
    public void closeConnections() {
        for (Channel ch : channels) {
            // behind the responses already queued on its event loop, and only once they are flushed
            ch.eventLoop().execute(() -> ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        }
        channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    public void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
