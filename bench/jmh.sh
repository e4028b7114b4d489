#!/usr/bin/env bash
# JMH micro-benchmarks of Tern's codec path (issue 6), with allocation per operation (-prof gc).
#
#   bench/jmh.sh                         # all: FrameBench (frame encode/decode, echo and pojo) and
#                                        #      SerializationBench (Protostuff vs Kryo, ~150 B and ~4 KB POJOs)
#   bench/jmh.sh SerializationBench      # a regex selects benchmarks; other JMH options may follow
#   bench/jmh.sh CallSiteBench           # cost of rpc.consumer.capture-call-site: the capture alone (Throwable vs a
#                                        #   bounded StackWalker) and an async loopback call, capture off/on, depth 10/100
#   bench/jmh.sh CallerStackBench        # what a failed blocking call pays to name its caller (copy vs the refusal itself)
#   bench/jmh.sh FrameBench -p call=pojo #   (-f/-wi/-i/-w/-r come from JMH_OPTS: set them there, not here)
#   JMH_OPTS="-f 3 -wi 5 -i 10" bench/jmh.sh     # longer settings (default: -f 1 -wi 3 -i 5 -w 1s -r 1s)
#
# Builds like bench/run.sh (SKIP_BUILD=1 skips it), runs org.openjdk.jmh.Main from the module's class path (the
# annotation processor puts the generated benchmarks and META-INF/BenchmarkList in target/classes), prints JMH's
# table and writes it to bench/results/jmh-latest.txt. Read gc.alloc.rate.norm as bytes allocated per operation;
# FrameBench.callCodecPath is one call's whole codec work, client plus server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -DskipTests install -pl rpc-benchmark -am
  mvn -B -q -f rpc-benchmark/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
# snapshot the classes and Tern jars (as bench/run.sh does): a concurrent build must not swap code under the forks
SNAP=rpc-benchmark/target/jmh-snapshot
rm -rf "$SNAP" && mkdir -p "$SNAP/jars" && cp -r rpc-benchmark/target/classes "$SNAP/classes"
CP="$SNAP/classes"
IFS=":" read -r -a JARS < rpc-benchmark/target/classpath.txt || true  # no trailing newline: read returns 1
for j in "${JARS[@]}"; do
  case "$j" in
    */io/tern/*) cp "$j" "$SNAP/jars/" && CP="$CP:$SNAP/jars/$(basename "$j")" ;;
    *) CP="$CP:$j" ;;
  esac
done
mkdir -p bench/results
echo "start: $(uptime)"
# shellcheck disable=SC2086
java -cp "$CP" org.openjdk.jmh.Main ${JMH_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s} -prof gc \
  -rf text -rff bench/results/jmh-latest.txt "${@:-io.tern.rpc.benchmark.jmh}"
echo "end: $(uptime)"
