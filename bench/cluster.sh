#!/usr/bin/env bash
# Cluster-layer scenario benchmark (issue 4): p50/p99/p99.9 and extra requests with and without backup
# requests, and p2c vs round-robin with a slow provider. Usage: bench/cluster.sh [seconds-per-run] [runs] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl rpc-benchmark -am
mvn -B -q -pl rpc-benchmark dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -Xmx1g -cp "rpc-benchmark/target/classes:$(cat rpc-benchmark/target/classpath.txt)" io.tern.rpc.benchmark.ClusterBench "$@"
