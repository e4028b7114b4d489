#!/usr/bin/env bash
# Registry fleet benchmark (issue 16): a real 3-server ZooKeeper ensemble (Curator TestingCluster, in the harness JVM,
# 127.0.0.1 only), 1,000 provider registrations over 50 services (20 providers each) made through the project's
# registry (ZooKeeperRegistry.register; addresses 127.0.0.1:20000+ where nothing listens), 200 consumers each with its
# own registry session subscribed (Registry.subscribe) to 10 services (40 watchers per service), then a rolling restart
# of every provider process. Measures registration change -> every watching consumer's listener (p50/p99/max per
# change and per (change, consumer) pair), ZooKeeper's request/watch figures (mntr, wchs), the ZooKeeper operations
# the registry clients make (Curator tracer) and the CPU of the consumer clients' threads.
#
#   bench/fleet.sh                         both scenarios below (~2.5 min)
#   SCENARIOS=services bench/fleet.sh      one of them
#   SKIP_BUILD=1 bench/fleet.sh            reuse the last build
#   bench/fleet.sh --down-ms 2000          extra arguments go to every FleetBench run
#
# Scenarios:
#   services  1,000 provider processes, one service each, restarted 20 at a time, one batch per second (50 s)
#   apps      20 provider processes exporting all 50 services each (an application with many interfaces: the case
#             Dubbo 3's application-level registration is for), restarted one per second (20 s)
# A restart closes the process's registry (its nodes deleted, session ended), waits DOWN ms (500) and registers again
# on a new session. Output: bench/results/fleet-latest.md (both scenarios), and the table on stdout.
# Environment: JVM (default "-Xms1g -Xmx1g"), SCENARIOS, SKIP_BUILD=1, MVN_ARGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIOS=${SCENARIOS:-services,apps}
JVM=${JVM:--Xms1g -Xmx1g}

echo "start: $(uptime)"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # compile only (no install): the class path then names each module's target/classes
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -pl rpc-benchmark -am
fi
# snapshot the project's classes: a concurrent build in this tree must not swap code under a running benchmark
SNAP=rpc-benchmark/target/fleet-snapshot
rm -rf "$SNAP" && mkdir -p "$SNAP"
# shellcheck source=bench/snapshot.sh
source bench/snapshot.sh
snapshot_classpath "$SNAP"
LABEL="commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) · $(nproc) cores · load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p bench/results
OUT=bench/results/fleet-latest.md
PARTS=()
IFS=',' read -r -a LIST <<<"$SCENARIOS"
for s in "${LIST[@]}"; do
  case "$s" in
    services) ARGS=(--registrations 1000 --services 50 --per-process 1 --batch 20 --interval-ms 1000) ;;
    apps) ARGS=(--registrations 1000 --services 50 --per-process 50 --batch 1 --interval-ms 1000) ;;
    *) echo "unknown scenario '$s' (services, apps)" >&2; exit 2 ;;
  esac
  PART="rpc-benchmark/target/fleet-$s.md"
  # shellcheck disable=SC2086
  java $JVM -cp "$CP" io.tern.rpc.benchmark.fleet.FleetBench "${ARGS[@]}" --consumers 200 --watch 10 --down-ms 500 \
    --label "Scenario **$s** · $LABEL" --out "$PART" "$@" >/dev/null
  PARTS+=("$PART")
done
{
  echo "<!-- bench/fleet.sh, $(date -u +%Y-%m-%dT%H:%MZ); scenarios: $SCENARIOS -->"
  for p in "${PARTS[@]}"; do cat "$p"; echo; done
} >"$OUT"
cat "$OUT"
echo "end: $(uptime)"
