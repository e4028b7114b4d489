#!/usr/bin/env bash
# Connection-count benchmark (issue 16): memory per idle connection and the latency of an active connection while
# many idle ones are open, on both sides. One command, one Markdown report (bench/results/conns-latest.md).
#
#   bench/conns.sh                       # full: 10,000 idle consumer connections to one provider, and one consumer
#                                        # with 1,000 provider connections; ~2.5 min after the build
#   QUICK=1 bench/conns.sh               # smoke: 2,000 / 200 connections, shorter loops: ~1.5 min
#   bench/conns.sh --idle 5000 --measure 5   # extra arguments go to ConnsBench and override the defaults
#
# Provider side: one provider JVM (a real TransportServer exporting the benchmark EchoService on 127.0.0.1; its
# rpc.server.max-connections and max-connections-per-peer raised, since every connection comes from 127.0.0.1);
# a consumer JVM (a default TransportClient) whose one connection is timed, closed loop at C=1 and C=32; then 4
# "idler" JVMs open the idle connections, each through one client's ClientIo.connect (exactly the connection that
# TransportClient opens per provider address, with its heartbeat; see IdlerNode). Memory is measured in the
# provider after forced full GCs, before and after 12 s of idleness (past the 10 s heartbeat interval), and the
# active connection is timed again with them open.
# Consumer side: the same, with the consumer JVM under test holding one connection to each of 1,000 real
# TransportServers (4 JVMs of 250 servers with one I/O thread each) through TransportClient.connection.
#
# Build: compiles the Tern modules and rpc-benchmark (offline, no install) and puts their target/classes ahead of
# the jars in ~/.m2 on the class path, so the benchmark runs this tree's code. SKIP_BUILD=1 reuses the last build.
# Environment: QUICK=1; NODE_JVM (process under test and timed consumer), HELPER_JVM (idlers, provider farms).
# Needs about idle + 200 file descriptors in the provider (ulimit -n is checked) and loopback ephemeral ports.
set -euo pipefail
cd "$(dirname "$0")/.."

ARGS=()
if [[ "${QUICK:-0}" == 1 ]]; then
  ARGS+=(--idle 2000 --providers 200 --idle-seconds 11 --warmup 2 --measure 4)
fi
[[ -n "${NODE_JVM:-}" ]] && ARGS+=(--node-jvm "$NODE_JVM")
[[ -n "${HELPER_JVM:-}" ]] && ARGS+=(--helper-jvm "$HELPER_JVM")

NOFILE=$(ulimit -n)
if [[ "$NOFILE" != unlimited && "$NOFILE" -lt 12000 ]]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  echo "ulimit -n was $NOFILE, now $(ulimit -n): 10,000 idle connections need more than 10,000 descriptors in the provider" >&2
fi
echo "start: $(uptime); ulimit -n $(ulimit -n); ephemeral ports $(tr '\t' - < /proc/sys/net/ipv4/ip_local_port_range)"

MODULES=rpc-protocol,rpc-transport,rpc-registry,rpc-cluster
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -o -q compile -pl "$MODULES,rpc-benchmark"
  mvn -B -o -q -f rpc-benchmark/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
# a snapshot of the classes, so a concurrent build in this tree cannot swap code under the running JVMs
SNAP=rpc-benchmark/target/conns-snapshot
rm -rf "$SNAP" && mkdir -p "$SNAP"
CP=""
for m in rpc-benchmark ${MODULES//,/ }; do
  cp -r "$m/target/classes" "$SNAP/$m" && CP="$CP${CP:+:}$SNAP/$m"
done
CP="$CP:$(cat rpc-benchmark/target/classpath.txt)"
LABEL="command: \`${0#./} $*\`$([[ "${QUICK:-0}" == 1 ]] && echo ' with QUICK=1'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' plus uncommitted changes')"
mkdir -p bench/results

java -Xmx256m -cp "$CP" io.tern.rpc.benchmark.conns.ConnsBench --label "$LABEL" --out bench/results/conns-latest.md "${ARGS[@]}" "$@"
echo "end: $(uptime)"
