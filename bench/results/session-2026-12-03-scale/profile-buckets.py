import sys
cats=[
 ('Protostuff write', ('ProtostuffPojoCodec.write','RuntimeSchema.writeTo','ByteBufProtostuffOutput')),
 ('Protostuff read', ('ProtostuffPojoCodec.read','RuntimeSchema.mergeFrom','BoundedProtostuffInput','ByteArrayInput')),
 ('socket write (writev, flush)', ('writev','doWrite','Native.write','sendmsg','AbstractChannel$AbstractUnsafe.flush')),
 ('socket read / epoll', ('epollWait','epoll_wait','Native.read','doReadBytes','epollInReady')),
 ('envelope (header, attachments, routing)', ('AttachmentsCodec','RequestCodec','ResponseCodec','FrameHeader','RequestRouter','MessageCodec','Attachments.','FrameDecoder.decode','TypedCodecs')),
 ('executor hand-off (park/unpark, queue)', ('BusinessExecutor','LockSupport','Unsafe.park','Unsafe.unpark','futex')),
 ('proxy, cluster, filters', ('ProxyHandler','CallPath','FaultTolerance','Balancing','DeadlineFilter','PeakEwma','Directory','cluster/Invocation','ClientFilter','cluster/Reference')),
 ('futures, pending calls, dispatch', ('CompletableFuture','PendingCall','InFlightCalls','ProviderCall','ServerHandler','ResponseReader','RequestWriter','ResponseWriter','WriteQueue','ClientHandler','MethodHandle','ServerMethods')),
 ('load generator', ('HdrHistogram','TernLoad','LoopState')),
 ('GC', ('G1','GCTaskThread','ParallelTask','WorkerThread','GangWorker','ConcurrentGC')),
 ('JIT', ('CompileBroker','Compiler','Compile::')),
]
def agg(path):
    tot=0; B={}
    for line in open(path):
        line=line.rstrip('\n')
        if not line: continue
        stack,_,n=line.rpartition(' ')
        n=int(n); tot+=n
        frames=stack.split(';')
        hit=None
        for fr in reversed(frames):
            for name,keys in cats:
                if any(k in fr for k in keys):
                    hit=name; break
            if hit: break
        hit=hit or 'other (Netty pipeline, JDK, VM)'
        B[hit]=B.get(hit,0)+n
    return tot,B
for p in sys.argv[1:]:
    tot,B=agg(p)
    print('==',p,tot)
    for k,v in sorted(B.items(), key=lambda x:-x[1]):
        print(f'  {100*v/tot:5.1f}%  {k}')
