#!/usr/bin/env bash
# Start-up benchmark (issue 16): time from the demo provider's JVM start to the first call it serves, and from its
# registration node appearing to the first call of an already-running consumer. The harness JVM runs ZooKeeper
# (Curator TestingServer, 127.0.0.1) and one Tern consumer of io.tern.demo.UserService; each run starts the
# demo-provider fat jar as a real process (as demo.sh does: same JVM options, 127.0.0.1, the harness's ZooKeeper), the
# consumer polls whoAreYou() until that provider answers, then the provider is stopped with SIGTERM.
# 1 warm-up run + RUNS (5) measured runs, medians: ~1-2 min.
#
#   bench/startup.sh                        build what is missing, then run
#   RUNS=9 bench/startup.sh                 more runs
#   SKIP_BUILD=1 bench/startup.sh           reuse the last build (demo-provider jar and harness classes)
#   PROVIDER_JVM="-Xmx256m" bench/startup.sh   other provider JVM options (default: demo.sh's)
#   bench/startup.sh --poll-ms 1            extra arguments go to StartupBench
#
# Builds with `mvn -B -q -pl demo-provider -am package -DskipTests` when the demo-provider jar is missing or
# REBUILD_JAR=1 (never `mvn install`), and compiles rpc-benchmark against the modules' target/classes.
# Output: bench/results/startup-latest.md, and the table on stdout. Environment: MVN_ARGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
PROVIDER_JVM=${PROVIDER_JVM:--Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k}

echo "start: $(uptime)"
jar() { ls demo-provider/target/demo-provider-*.jar 2>/dev/null | grep -v '\.original$' | head -n 1 || true; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  if [[ -z "$(jar)" || "${REBUILD_JAR:-0}" == 1 ]]; then
    # shellcheck disable=SC2086
    mvn -B -q ${MVN_ARGS:-} -pl demo-provider -am package -DskipTests
  fi
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -pl rpc-benchmark -am
fi
PROVIDER_JAR=$(jar)
[[ -f "$PROVIDER_JAR" ]] || { echo "demo-provider jar not found in demo-provider/target: run without SKIP_BUILD" >&2; exit 1; }
# snapshot the classes and the jar: a concurrent build in this tree must not swap code under a running benchmark
SNAP=rpc-benchmark/target/startup-snapshot
rm -rf "$SNAP" && mkdir -p "$SNAP"
cp "$PROVIDER_JAR" "$SNAP/demo-provider.jar"
# shellcheck source=bench/snapshot.sh
source bench/snapshot.sh
snapshot_classpath "$SNAP"
LABEL="$(date -u +%Y-%m-%dT%H:%MZ) · commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) · $(nproc) cores · load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p bench/results
java -Xmx512m -cp "$CP" io.tern.rpc.benchmark.startup.StartupBench --jar "$SNAP/demo-provider.jar" --runs "$RUNS" \
  --provider-jvm "$PROVIDER_JVM" --label "$LABEL" --out bench/results/startup-latest.md "$@"
echo "end: $(uptime)"
