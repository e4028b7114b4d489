package io.tern.rpc.spring;

import io.tern.rpc.protocol.Compression;

/**
 * The root {@code rpc.*} settings both sides share, validated by {@link RpcProperties#settings()}.
 *
 * @param serialization        body codec of outgoing requests, trimmed and lower-case ({@code protostuff} or {@code kryo})
 * @param compressionName      {@code none} or {@code gzip}, trimmed and lower-case (a reference may name another)
 * @param compression          the codec of {@code compressionName} with the threshold
 * @param compressionThreshold bodies smaller than this many bytes are sent uncompressed
 * @param maxFrameLength       largest frame accepted, in bytes
 */
record WireSettings(String serialization, String compressionName, Compression compression, int compressionThreshold, int maxFrameLength) {
}
