/**
 * Tern's implementation of the wire protocol (frame layout, envelopes, attachments codec, compression of bodies,
 * remote exceptions): not API, may change in any release. The message model filters see ({@code RpcRequest},
 * {@code RpcResponse}, {@code Status}) is in {@code io.tern.rpc.protocol}.
 */
package io.tern.rpc.protocol.internal;
