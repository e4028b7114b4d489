package io.tern.rpc.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import static io.tern.rpc.transport.internal.ClientConnection.log;

/**
 * The last handler of one client channel: routes what the provider sends to the parts of its
 * {@link ClientConnection} (responses, PONGs, GOAWAY, the channel's end), answers PINGs, and starts the channel's
 * {@link KeepAlive}. One instance per channel; the connection's parts outlive it across reconnects.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final ClientConnection connection;

    ClientHandler(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        RequestWriter writer = connection.writer;
        writer.channelActive();
        new KeepAlive(ctx, connection.io.config().heartbeatInterval().toMillis(), writer::wroteSinceLastAsked).start();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.writer.readBatchStarted();
        Frame frame = (Frame) msg;
        try {
            switch (frame.type()) {
                case MessageType.RESPONSE -> connection.reader.read(ctx, frame);
                case MessageType.PING -> onPing(ctx, frame.requestId());
                case MessageType.GOAWAY -> connection.lifecycle.goAway();
                case MessageType.PONG -> connection.probes.ponged(frame.requestId());
                default -> { } // REQUEST or CANCEL from a provider: meaningless to a client, ignored
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.inboundArrived(System.nanoTime()); // once per read batch: what the consumer's failure detector watches
        connection.writer.readBatchComplete(ctx.channel());
        ctx.fireChannelReadComplete();
    }

    /**
     * Answers a PING; a provider that keeps pinging without reading its PONGs fills this connection's outbound
     * buffer, and then the connection stops being read until that buffer drains (it is closed if it stays
     * silent for 3 heartbeat intervals). A legitimate provider sends one PING per drain, so this never stalls calls.
     * The drain's PING comes right behind its GOAWAY, which closes an idle connection: a closed channel has no outbound
     * buffer and so reads as "not writable", but it is no flood, and there is no one left to answer.
     */
    private void onPing(ChannelHandlerContext ctx, int id) {
        if (!ctx.channel().isActive()) {
            return;
        }
        connection.writer.writeInBatch(ctx.channel(), FrameHeader.control(ctx.alloc(), MessageType.PONG, id));
        if (!ctx.channel().isWritable() && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            connection.io.peerLog().warn(log, connection.address, "provider " + connection.address
                    + " sends PINGs without reading the PONGs; not reading from it until it does");
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.lifecycle.disconnected();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.READER_IDLE) {
                connection.io.peerLog().warn(log, connection.address, "no bytes from " + connection.address + " for 3 heartbeat intervals ("
                        + 3 * connection.io.config().heartbeatInterval().toMillis() + " ms); closing the connection");
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.lifecycle.failed(cause);
        connection.io.peerLog().warn(log, connection.address, "closing connection to " + connection.address + " after an error: " + cause);
        ctx.close();
    }
}
