package io.tern.rpc.cluster;

/**
 * Where an async call was made, captured when it is made (rpc.consumer.capture-call-site) so that its failure,
 * arriving later on an I/O thread, can name the caller's line. Only the VM's compact backtrace is taken at capture;
 * the frames are materialised only if the call fails.
 */
final class CallSite extends Throwable {
    /** An async call whose site was not captured: a marker, its frames are never read. */
    static final CallSite NOT_CAPTURED = new CallSite();

    CallSite() {
        super("call site", null, false, true); // no suppression list: it is never thrown
    }
}
