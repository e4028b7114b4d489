#!/usr/bin/env bash
# Tail latency with a slow provider (issue 16). One command, one table, one plot.
#
#   bench/tail.sh                # full: 21 rows x 3 interleaved runs x (5 s warm-up + 10 s measured): ~17 min
#   QUICK=1 bench/tail.sh        # smoke run: 1 run x (2 s + 3 s) per row: ~2 min
#   bench/tail.sh --rate 1000 --backup p90      # extra arguments go to TailBench and override the defaults
#
# What it does: builds rpc-benchmark and the modules it needs (mvn install -pl rpc-benchmark -am, tests skipped),
# resolves its class path, then runs io.tern.rpc.benchmark.cluster.TailBench: 5 Tern providers on 127.0.0.1 (in
# the benchmark's JVM, each its own server, event loops and executor, found through a direct:// list), each holding
# its executor thread for a base service time of 1 ms per call; the last one is the slow one:
#   healthy        no slow provider
#   A: 5% +50 ms   the slow provider adds 50 ms to 5% of its calls
#   B: 3x slower   the slow provider takes 3 ms on every call
# An open loop offers a FIXED 2,000 calls/s (async; latency from each call's intended send time, so a stall is
# never hidden), for every balancer (random, round-robin, least-active, p2c = P2C over peak EWMA) without and with
# backup requests at p95; healthy rows for every balancer without backups and for p2c with them. Each row gets a
# fresh service group (fresh reference, provider state and retry budget). Medians of the interleaved runs.
#
# Output: the Markdown table with the verdict on the target (p2c with backups: p99 <= 1.5x the healthy p99 for
# <= 5% extra requests) on stdout and in bench/results/tail-latest.md; latency by percentile (healthy vs A and B:
# p2c with and without backups, and the worst row) in bench/results/tail-latest.png. Progress lines on stderr.
#
# Environment: QUICK=1; WARMUP, MEASURE (seconds), RUNS, RATE (calls/s) override the defaults; JVM (default
# "-Xms1g -Xmx1g"); SKIP_BUILD=1 reuses the last build; PREPEND_CP puts class directories first on the class path
# (e.g. rpc-cluster/target/classes to try a change without installing it).
# The machine should be otherwise idle: the load average is recorded in the table.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${QUICK:-0}" == 1 ]]; then
  WARMUP=${WARMUP:-2}; MEASURE=${MEASURE:-3}; RUNS=${RUNS:-1}
fi
WARMUP=${WARMUP:-5}
MEASURE=${MEASURE:-10}
RUNS=${RUNS:-3}
RATE=${RATE:-2000}
JVM=${JVM:--Xms1g -Xmx1g}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -DskipTests install -pl rpc-benchmark -am
  mvn -B -q -f rpc-benchmark/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
CP="rpc-benchmark/target/classes:$(cat rpc-benchmark/target/classpath.txt)"
[[ -n "${PREPEND_CP:-}" ]] && CP="$PREPEND_CP:$CP"
LABEL="commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ "${QUICK:-0}" == 1 ]] && LABEL="$LABEL · QUICK run"
mkdir -p bench/results

# shellcheck disable=SC2086
java $JVM -Djava.awt.headless=true -cp "$CP" io.tern.rpc.benchmark.cluster.TailBench \
  --warmup "$WARMUP" --measure "$MEASURE" --runs "$RUNS" --rate "$RATE" --label "$LABEL" \
  --out bench/results/tail-latest.md --png bench/results/tail-latest.png "$@"
