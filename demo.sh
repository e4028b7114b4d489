#!/usr/bin/env bash
# The Tern RPC tour: builds the demo, starts a real ZooKeeper server, three providers and a consumer (all on
# 127.0.0.1), shows calls spreading over the providers and the consumer's rpc endpoint view, one provider taken
# offline and back online through the rpc endpoint, one killed with SIGKILL, one stopped with SIGTERM (no call may
# fail), then stops everything it started and exits 0. Needs only a JDK 17+ and Maven.
#
#   ./demo.sh                      build, then run the tour
#   DEMO_SKIP_BUILD=1 ./demo.sh    reuse the jars already in demo-*/target
#   DEMO_MVN_ARGS=-o ./demo.sh     extra Maven arguments (e.g. offline)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
START_SECONDS=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tern-demo.XXXXXX")"
JAVA_OPTS=(-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k)
PIDS=()         # every process this script started, stopped on exit
SHOWN=0         # consumer log lines already shown

if [[ -t 1 ]]; then BOLD=$'\033[1m'; DIM=$'\033[2m'; RED=$'\033[31m'; GREEN=$'\033[32m'; OFF=$'\033[0m'
else BOLD=''; DIM=''; RED=''; GREEN=''; OFF=''; fi

step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$OFF"; }
info() { printf '   %s\n' "$*"; }
fail() {
    printf '\n%sdemo.sh FAILED: %s%s\n' "$RED" "$*" "$OFF" >&2
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    # newest first: the consumer and providers leave while ZooKeeper is still there to unregister from
    local i pid deadline
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid=${PIDS[i]}
        kill -TERM "$pid" 2>/dev/null || continue
        deadline=$((SECONDS + 20))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if ((rc == 0)); then
        rm -rf "$WORK"
    else
        printf '\nLogs kept in %s\n' "$WORK" >&2
        local f
        for f in "$WORK"/*.log; do
            [[ -f "$f" ]] || continue
            printf '\n--- last lines of %s ---\n' "$(basename "$f")" >&2
            tail -n 15 "$f" >&2 || true
        done
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# ---------------------------------------------------------------------------------------------------------------
# helpers

# N distinct ports nothing listens on, away from the usual ones
free_ports() {
    local n=$1 found=() port
    for _ in $(seq 1 200); do
        ((${#found[@]} < n)) || break
        port=$((20000 + RANDOM % 30000))
        if [[ " ${found[*]:-} " != *" $port "* ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            found+=("$port")
        fi
    done
    echo "${found[*]:-}"
}

# waits until a condition command succeeds, polling, failing after a deadline (or when the process died)
wait_for() {
    local what=$1 seconds=$2 pid=$3
    shift 3
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            fail "$what: the process exited (see its log below)"
        fi
        ((SECONDS < deadline)) || fail "$what: not ready within ${seconds}s"
        sleep 0.2
    done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# prints the consumer's tour lines written since the last call
show_tour() {
    local total
    total=$(wc -l <"$WORK/consumer.log")
    if ((total > SHOWN)); then
        sed -n "$((SHOWN + 1)),${total}p" "$WORK/consumer.log" | grep -a '^\[tour\]' | grep -av '^\[tour\] == phase' | sed -e 's/^\[tour\] /   /' || true
        SHOWN=$total
    fi
}

# lets the tour run for a while, showing its lines as they come
run_for() {
    local until=$((SECONDS + $1))
    while ((SECONDS < until)); do
        kill -0 "$CONSUMER" 2>/dev/null || fail "the consumer exited unexpectedly"
        show_tour
        sleep 0.5
    done
    show_tour
}

# switches the consumer to the next phase; waits for (and returns) the RESULT line of the phase that ended
next_phase() {
    local ended=$1 next=$2
    echo "$next" >"$WORK/phase.tmp" && mv "$WORK/phase.tmp" "$WORK/phase"
    wait_for "the consumer's summary of phase '$ended'" 15 "$CONSUMER" grep -aq "RESULT phase=$ended " "$WORK/consumer.log"
    show_tour
}

result_field() { # phase field -> value of field=... in that phase's RESULT line
    grep -a "RESULT phase=$1 " "$WORK/consumer.log" | head -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

served_by() { # phase provider -> calls that provider served in the phase
    local v
    v=$(grep -a "RESULT phase=$1 " "$WORK/consumer.log" | head -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p")
    echo "${v:-0}"
}

start_provider() { # name port extra-args...
    local name=$1 port=$2
    shift 2
    java "${JAVA_OPTS[@]}" -jar "$PROVIDER_JAR" \
        --rpc.registry.address="zookeeper://127.0.0.1:$ZK_PORT" \
        --rpc.server.host=127.0.0.1 --rpc.server.advertised-host=127.0.0.1 \
        --rpc.server.port="$port" --demo.name="$name" "$@" >"$WORK/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
    disown "$LAST_PID" # no "Killed" job report from bash when the tour kills it
}

# ---------------------------------------------------------------------------------------------------------------
step "Checking the tools"
command -v java >/dev/null || fail "java not found: install a JDK 17 or newer"
command -v mvn >/dev/null || fail "mvn not found: install Maven 3.8 or newer"
JAVA_MAJOR=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ "${JAVA_MAJOR:-0}" =~ ^[0-9]+$ ]] && ((JAVA_MAJOR >= 17)) || fail "Java 17 or newer needed, found '${JAVA_MAJOR:-unknown}'"
info "java $JAVA_MAJOR, $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
info "work directory $WORK"

if [[ "${DEMO_SKIP_BUILD:-0}" != 1 ]]; then
    step "Building the demo (mvn package, tests skipped; the first build downloads dependencies)"
    # shellcheck disable=SC2086
    mvn -B -q ${DEMO_MVN_ARGS:-} -DskipTests package -pl demo-provider,demo-consumer -am >"$WORK/build.log" 2>&1 \
        || { tail -n 40 "$WORK/build.log" >&2; fail "the Maven build failed"; }
    info "built in $((SECONDS - START_SECONDS))s"
fi
PROVIDER_JAR=$(ls demo-provider/target/demo-provider-*.jar 2>/dev/null | grep -v '\.original$' | head -n 1 || true)
CONSUMER_JAR=$(ls demo-consumer/target/demo-consumer-*.jar 2>/dev/null | grep -v '\.original$' | head -n 1 || true)
[[ -f "$PROVIDER_JAR" && -f "$CONSUMER_JAR" ]] || fail "demo jars not found in demo-*/target: run without DEMO_SKIP_BUILD"

# ---------------------------------------------------------------------------------------------------------------
step "Starting ZooKeeper (a real server process: ZooKeeperServerMain from the Maven Central jars)"
read -r ZK_PORT P_ALPHA P_BETA P_GAMMA <<<"$(free_ports 4)"
[[ -n "${P_GAMMA:-}" ]] || fail "could not find 4 free ports on 127.0.0.1"
mkdir -p "$WORK/zk-data"
cat >"$WORK/zoo.cfg" <<EOF
tickTime=2000
dataDir=$WORK/zk-data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
EOF
cat >"$WORK/zk-logback.xml" <<'EOF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="OUT"/></root>
</configuration>
EOF
# the zookeeper jar is on the provider's class path (through Curator); Spring Boot's PropertiesLauncher runs any
# main class from an executable jar
java -Xms32m -Xmx128m -XX:+UseSerialGC -Dlogback.configurationFile="$WORK/zk-logback.xml" \
    -cp "$PROVIDER_JAR" -Dloader.main=org.apache.zookeeper.server.ZooKeeperServerMain \
    org.springframework.boot.loader.launch.PropertiesLauncher "$WORK/zoo.cfg" >"$WORK/zookeeper.log" 2>&1 &
ZK_PID=$!
PIDS+=("$ZK_PID")
disown "$ZK_PID"
wait_for "ZooKeeper on 127.0.0.1:$ZK_PORT" 60 "$ZK_PID" port_open "$ZK_PORT"
info "ZooKeeper listening on 127.0.0.1:$ZK_PORT (pid $ZK_PID)"

# ---------------------------------------------------------------------------------------------------------------
step "Starting 3 providers of io.tern.demo.UserService"
start_provider alpha-w200 "$P_ALPHA" --rpc.server.weight=200 --demo.control-file="$WORK/alpha.control"
PID_ALPHA=$LAST_PID
start_provider beta-w100 "$P_BETA" --rpc.server.weight=100
PID_BETA=$LAST_PID
start_provider gamma-slow "$P_GAMMA" --rpc.server.weight=100 --demo.slow-ratio=0.3 --demo.slow-delay=200ms
PID_GAMMA=$LAST_PID
for p in "alpha-w200:$PID_ALPHA" "beta-w100:$PID_BETA" "gamma-slow:$PID_GAMMA"; do
    name=${p%%:*}; pid=${p##*:}
    wait_for "provider $name" 120 "$pid" grep -aq "Tern RPC provider serving" "$WORK/$name.log"
done
info "alpha-w200  127.0.0.1:$P_ALPHA  weight 200                               (pid $PID_ALPHA)"
info "beta-w100   127.0.0.1:$P_BETA  weight 100                               (pid $PID_BETA)"
info "gamma-slow  127.0.0.1:$P_GAMMA  weight 100, 30% of calls take +200 ms    (pid $PID_GAMMA)"
info "each registered itself under /tern/io.tern.demo.UserService/providers in ZooKeeper"

# ---------------------------------------------------------------------------------------------------------------
step "Starting the consumer (4 threads calling whoAreYou() steadily; default p2c balancer, failover)"
echo warmup >"$WORK/phase"
java "${JAVA_OPTS[@]}" -jar "$CONSUMER_JAR" \
    --rpc.registry.address="zookeeper://127.0.0.1:$ZK_PORT" \
    --demo.control-file="$WORK/phase" --demo.threads=4 >"$WORK/consumer.log" 2>&1 &
CONSUMER=$!
PIDS+=("$CONSUMER")
wait_for "the consumer's first calls" 120 "$CONSUMER" grep -aq '== phase warmup ==' "$WORK/consumer.log"
show_tour
run_for 5
next_phase warmup spread

step "Phase 1: calls spread by weight; the slow provider gets fewer (10 s)"
run_for 10
next_phase spread offline
info "${DIM}VIEW: the consumer's rpc Actuator endpoint (GET /actuator/rpc): alpha-w200 is :$P_ALPHA, beta-w100 :$P_BETA, gamma-slow :$P_GAMMA$OFF"
A=$(served_by spread alpha-w200); B=$(served_by spread beta-w100); G=$(served_by spread gamma-slow)
((A + B + G > 0)) || fail "no call was served in the spread phase"
info "${GREEN}served: alpha-w200 $A, beta-w100 $B, gamma-slow $G$OFF"
((A > B)) && info "alpha (weight 200) served more than beta (weight 100)" \
    || info "${DIM}alpha did not serve more than beta this time (small sample / warm-up)$OFF"
((G < B)) && info "gamma (slow) served the fewest: the balancer steers away from slow providers" \
    || info "${DIM}gamma (slow) was not avoided this time$OFF"

step "Phase 2: alpha-w200 offline through the rpc endpoint (out of the registry, still serving), then online; no call may fail (12 s)"
echo offline >"$WORK/alpha.control"
wait_for "alpha-w200 to go offline" 10 "$PID_ALPHA" grep -aq 'offline: unregistered' "$WORK/alpha-w200.log"
info "alpha-w200 is offline: unregistered from ZooKeeper, its server still up (the rpc endpoint's write operation, state=offline)"
run_for 6
next_phase offline online
echo online >"$WORK/alpha.control"
wait_for "alpha-w200 to come back online" 10 "$PID_ALPHA" grep -aq 'online: registered again' "$WORK/alpha-w200.log"
run_for 6
next_phase online sigkill
for ph in offline online; do
    CALLS=$(result_field $ph calls); FAILED=$(result_field $ph failed)
    ((${CALLS:-0} > 0)) || fail "no calls in the $ph phase"
    [[ "$FAILED" == 0 ]] || fail "$FAILED of $CALLS calls failed in the $ph phase (expected none)"
done
info "${GREEN}offline: alpha-w200 served $(served_by offline alpha-w200) of $(result_field offline calls) calls (only before the consumer's registry watch fired), 0 failed$OFF"
info "${GREEN}online:  alpha-w200 served $(served_by online alpha-w200) of $(result_field online calls) calls (warming up again), 0 failed$OFF"

step "Phase 3: kill -9 beta-w100 (SIGKILL, no goodbye) while calls keep going (8 s)"
kill -KILL "$PID_BETA"
info "killed pid $PID_BETA"
run_for 8
next_phase sigkill sigterm
CALLS=$(result_field sigkill calls); FAILED=$(result_field sigkill failed)
((${CALLS:-0} > 0)) || fail "no calls in the SIGKILL phase"
if [[ "$FAILED" == 0 ]]; then
    info "${GREEN}$CALLS calls, none failed: calls in flight on the dead provider (idempotent) were retried elsewhere$OFF"
else
    info "$CALLS calls, $FAILED failed (calls that were in flight on the killed provider); the rest went on elsewhere"
fi

step "Phase 4: kill -TERM alpha-w200 (graceful: unregister, GOAWAY, drain in-flight calls); no call may fail"
kill -TERM "$PID_ALPHA"
info "sent SIGTERM to pid $PID_ALPHA"
wait_for "alpha-w200 to exit after SIGTERM" 30 "" bash -c "! kill -0 $PID_ALPHA 2>/dev/null"
info "alpha-w200 exited: $(grep -a -o 'Tern RPC provider stopping.*' "$WORK/alpha-w200.log" | head -n 1)"
run_for 5
next_phase sigterm stop
CALLS=$(result_field sigterm calls); FAILED=$(result_field sigterm failed)
((${CALLS:-0} > 0)) || fail "no calls in the SIGTERM phase"
[[ "$FAILED" == 0 ]] || fail "$FAILED of $CALLS calls failed while a provider stopped gracefully (expected none)"
info "${GREEN}$CALLS calls, 0 failed: the stopping provider drained and its consumers moved on$OFF"

# ---------------------------------------------------------------------------------------------------------------
step "Stopping"
wait_for "the consumer to finish" 30 "" bash -c "! kill -0 $CONSUMER 2>/dev/null"
set +e
wait "$CONSUMER"
CONSUMER_RC=$?
set -e
show_tour
((CONSUMER_RC == 0)) || fail "the consumer exited with status $CONSUMER_RC"
info "consumer exited 0; stopping gamma-slow and ZooKeeper"
printf '\n%sTour complete in %ds.%s\n' "$GREEN" "$((SECONDS - START_SECONDS))" "$OFF"
