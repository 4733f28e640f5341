#!/usr/bin/env bash
# A Spark standalone cluster on 127.0.0.1 from the Maven-resolved jars: one Master and two
# Workers, each its own JVM, so cluster mode can be tried (and tested) on one machine.
#   scripts/standalone-cluster.sh start [PORT]   master at spark://127.0.0.1:PORT (default 7077)
#   scripts/standalone-cluster.sh stop
#   scripts/standalone-cluster.sh status
# Workers: 1 core and 1 GiB each (XENT_WORKER_CORES, XENT_WORKER_MEMORY to change).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--line" ]]; then export XENT_LINE="${2:?--line needs a Spark line, e.g. 3.5_2.12}"; shift 2; fi
source scripts/jvm-options.sh
home="$PWD/$JOB_MODULE/target/spark-home"
run="$home/run"
command="${1:-status}"
port="${2:-7077}"

# Workers start executors from $SPARK_HOME/jars; a RELEASE file makes this folder look like a
# Spark distribution, whose jars are links to the Maven-resolved ones.
make_home() {
  rm -rf "$home/jars"
  mkdir -p "$home/jars" "$run"
  touch "$home/RELEASE"
  tr ':' '\n' <<<"$(scripts/classpath.sh "$JOB_MODULE" spark)" | while read -r jar; do
    ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
}

daemon() { # name class args...
  local name="$1"; shift
  # Spark's default logging (INFO): the start-up waits for the daemons' INFO lines
  SPARK_HOME="$home" SPARK_SCALA_VERSION="$XENT_SCALA" SPARK_LOCAL_IP=127.0.0.1 nohup java -Xmx512m $SPARK_JAVA_OPTS \
    -Dspark.ui.enabled=false \
    -cp "$home/jars/*" "$@" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

wait_for() { # file pattern seconds
  for _ in $(seq "$3"); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "timed out waiting for '$2' in $1:" >&2
  tail -n 20 "$1" >&2
  return 1
}

case "$command" in
  start)
    make_home
    "$0" stop >/dev/null 2>&1 || true
    daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
    wait_for "$run/master.log" "I have been elected leader" 60
    for i in 1 2; do
      mkdir -p "$run/worker-$i"
      daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port 0 \
        --cores "${XENT_WORKER_CORES:-1}" --memory "${XENT_WORKER_MEMORY:-1g}" \
        --work-dir "$run/worker-$i" "spark://127.0.0.1:$port"
    done
    for i in 1 2; do
      wait_for "$run/worker-$i.log" "Successfully registered with master" 60
    done
    echo "spark://127.0.0.1:$port (logs in $run)"
    ;;
  stop)
    for pidfile in "$run"/*.pid; do
      [[ -f "$pidfile" ]] || continue
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    done
    echo "stopped"
    ;;
  status)
    for pidfile in "$run"/*.pid; do
      [[ -f "$pidfile" ]] || { echo "not running"; exit 1; }
      name="$(basename "$pidfile" .pid)"
      if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$name: running"; else echo "$name: dead"; fi
    done
    ;;
  *)
    echo "usage: $0 start [PORT] | stop | status" >&2
    exit 2
    ;;
esac
