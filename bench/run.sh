#!/usr/bin/env bash
# End-to-end benchmark of Tern RPC against a raw Netty ceiling (issue 6) and, when asked, against gRPC and Dubbo
# (issue 16). One command, one table, one plot.
#
#   bench/run.sh                 # full: 3 repeats x (5 s warm-up + 10 s measured) per row, 18 rows: ~15 min
#   QUICK=1 bench/run.sh         # smoke run: 1 repeat x (2 s + 2 s) per row: ~1.5 min
#   bench/run.sh --calls pojo --concurrency 1,128     # extra arguments go to E2eBench and override the defaults
#
# What it does: builds rpc-benchmark and the modules it needs (mvn install -pl rpc-benchmark -am, tests skipped),
# resolves its class path, then runs io.tern.rpc.benchmark.e2e.E2eBench. The consumer JVM starts, for every mode
# and repeat, a fresh provider JVM (io.tern.rpc.benchmark.e2e.ProviderMain, same class path) on 127.0.0.1 and
# drives a closed loop with C async calls in flight over one connection:
#   modes: raw-netty    plain Netty echoing the exact Tern request frame (16-byte header + Protostuff body): the ceiling
#          tern-default Tern, service exported in EXECUTOR mode (methods on the business executor)
#          tern-direct  Tern, service exported in DIRECT mode (methods on the I/O thread)
#   peers (issue 16; not in the default MODES, ask for them: MODES=raw-netty,tern-default,tern-direct,grpc,grpc-direct,dubbo):
#          grpc         gRPC-java 1.85.1 (grpc-netty-shaded), one plaintext ManagedChannel, async unary calls, gRPC's
#                       default server and channel executors; hand-written MethodDescriptors (no protoc) whose
#                       marshallers carry Tern's own Protostuff bytes, so the rows compare RPC stacks, not codecs;
#                       10 s deadline like Tern's calls, max message 8 MiB (Tern's frame limit; gRPC's default is 4 MiB)
#          grpc-direct  the same with directExecutor() on the server and on the channel (like tern-direct)
#          dubbo        Apache Dubbo 3.3.6, dubbo protocol, API config (no Spring), direct URL, no registry, Dubbo's
#                       defaults: Hessian2 serialization, fixed pool of 200 server threads (dispatcher all), one shared
#                       connection, NIO; async through EchoService's CompletableFuture methods; timeout 10 s like the
#                       others (Dubbo's default: 1 s); QoS console off. Dubbo refuses to bind a loopback address (it
#                       takes 127.x for "any host" and binds 0.0.0.0, and its client swaps 127.0.0.1 for the host's
#                       own address), so when MODES has dubbo this script runs the whole benchmark (both JVMs) in a
#                       private network namespace whose only interface is loopback (`unshare -n`, needs root or
#                       CAP_SYS_ADMIN); without it, it stops and says so rather than open a port on every interface
#          gRPC has its own shaded Netty; Dubbo runs on Tern's Netty 4.2 (its netty-all 4.1 is excluded). The peers
#          serve every EchoService method, so every call below runs on them too (each call kind is first checked to
#          come back equal to its argument); their settings are printed above the table. They carry much more code
#          per call than Tern, so give every fresh provider a long JIT warm-up: `bench/run.sh --jvm-warmup 30` (with
#          the default 5 s, grpc-direct measured 1-3k ops/s at C=128 on 2 cores; after 30 s, 19k)
#   calls: echo (CompletableFuture<String> echo(String)) and pojo (a ~150-byte POJO echoed), Protostuff
#   C:     1, 32, 128
# Throughput and p50/p90/p99/p99.9 come from HdrHistogram; CPU time, allocated bytes and GCs from both processes.
# Medians of the repeats; every row also as a ratio to raw-netty at the same call and C.
#
# Output: the Markdown table (with machine facts and load averages) on stdout and in bench/results/e2e-latest.md,
# one percentile distribution per row in bench/results/hgrm/*.hgrm (µs; HdrHistogram's plotter reads them), and
# bench/results/latency-latest.png: latency by percentile (log "nines" axis), POJO call at the lowest and highest C.
#
# Every fresh provider JVM (one per mode and repeat) is first warmed with both calls at C=32 for WARMUP seconds.
# Environment: QUICK=1; WARMUP, MEASURE (seconds), REPEATS, MODES, CALLS, CONCURRENCY (comma lists) override the
# defaults; CONSUMER_JVM / PROVIDER_JVM (default "-Xms512m -Xmx512m"); SKIP_BUILD=1 reuses the last build;
# -Dtern.transport.nio=true in CONSUMER_JVM forces NIO for Tern and the baseline in both processes.
# The machine should be otherwise idle: `uptime` is printed at start and end and the load is recorded in the table.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${QUICK:-0}" == 1 ]]; then
  WARMUP=${WARMUP:-2}; MEASURE=${MEASURE:-2}; REPEATS=${REPEATS:-1}
fi
WARMUP=${WARMUP:-5}
MEASURE=${MEASURE:-10}
REPEATS=${REPEATS:-3}
MODES=${MODES:-raw-netty,tern-default,tern-direct}
CALLS=${CALLS:-echo,pojo}
CONCURRENCY=${CONCURRENCY:-1,32,128}
CONSUMER_JVM=${CONSUMER_JVM:--Xms512m -Xmx512m}
PROVIDER_JVM=${PROVIDER_JVM:--Xms512m -Xmx512m}

echo "start: $(uptime)"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -DskipTests install -pl rpc-benchmark -am
  mvn -B -q -f rpc-benchmark/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
# snapshot the benchmark classes and the Tern jars: a concurrent `mvn install`/`verify` in this tree must not swap
# code under a running benchmark (every repeat starts fresh provider JVMs)
SNAP=rpc-benchmark/target/bench-snapshot
rm -rf "$SNAP" && mkdir -p "$SNAP/jars" && cp -r rpc-benchmark/target/classes "$SNAP/classes"
CP="$SNAP/classes"
IFS=':' read -r -a JARS < rpc-benchmark/target/classpath.txt || true  # the file has no trailing newline
for j in "${JARS[@]}"; do
  case "$j" in
    */io/tern/*) cp "$j" "$SNAP/jars/" && CP="$CP:$SNAP/jars/$(basename "$j")" ;;
    *) CP="$CP:$j" ;;
  esac
done
LABEL="commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (plus uncommitted changes, if any)"
[[ "${QUICK:-0}" == 1 ]] && LABEL="$LABEL · QUICK run"
mkdir -p bench/results

# Dubbo cannot be told to bind 127.0.0.1 only: give its runs a network namespace with nothing but loopback in it
NETNS=()
if [[ ",$MODES," == *,dubbo,* ]]; then
  if unshare -n true 2>/dev/null; then
    NETNS=(unshare -n sh -c 'ip link set lo up && exec "$0" "$@"')
  else
    echo "MODES has dubbo, which binds every interface; this script runs it only in a loopback-only network namespace," >&2
    echo "and 'unshare -n' is not permitted here (needs root or CAP_SYS_ADMIN). Leave dubbo out of MODES." >&2
    exit 2
  fi
fi
# shellcheck disable=SC2086
"${NETNS[@]}" java $CONSUMER_JVM -Djava.awt.headless=true -cp "$CP" io.tern.rpc.benchmark.e2e.E2eBench \
  --warmup "$WARMUP" --measure "$MEASURE" --repeats "$REPEATS" \
  --modes "$MODES" --calls "$CALLS" --concurrency "$CONCURRENCY" \
  --provider-jvm "$PROVIDER_JVM" --label "$LABEL" \
  --out bench/results/e2e-latest.md --png bench/results/latency-latest.png --hgrm-dir bench/results/hgrm \
  "$@"
echo "end: $(uptime)"
