package io.tern.rpc.benchmark.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.tern.rpc.protocol.internal.FrameHeader;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling's provider: splits Tern frames with a {@link LengthFieldBasedFrameDecoder} and writes each frame back
 * as it is (no serialization, no dispatch), flushing once per read batch. Same thread layout as Tern's server:
 * one boss, {@code nproc} I/O threads.
 */
final class RawNettyServer implements AutoCloseable {
    private final EventLoopGroup boss = NettyTransport.group(1, "raw-server-boss");
    private final EventLoopGroup workers = NettyTransport.group(Runtime.getRuntime().availableProcessors(), "raw-server-io");
    private final Channel serverChannel;

    RawNettyServer(String host, int port) {
        serverChannel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NettyTransport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(frameDecoder()).addLast(EchoHandler.INSTANCE);
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
    }

    /**
     * The Tern frame's length field sits at offset 5, 4 bytes, and holds the FULL frame length (header included):
     * frame length = offset 5 + field 4 + value + adjustment, so the adjustment is -9 to yield exactly the value.
     */
    static LengthFieldBasedFrameDecoder frameDecoder() {
        return new LengthFieldBasedFrameDecoder(FrameHeader.DEFAULT_MAX_FRAME_LENGTH, FrameHeader.OFFSET_LENGTH, 4,
                -(FrameHeader.OFFSET_LENGTH + 4), 0);
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise()); // the frame goes back as it came; the write releases it
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("raw netty server: " + cause);
            ctx.close();
        }
    }
}
