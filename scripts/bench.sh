#!/usr/bin/env bash
# Side-by-side Spark benchmark (default) or JMH kernel microbenchmarks (--micro).
#   scripts/bench.sh [--line LINE] [--rows N] [--rounds R] [--warmup W]    generated Parquet under bench/data
#     LINE: the Spark line to measure, 4.1_2.13 (default), 4.0_2.13, 3.5_2.13 or 3.5_2.12
#   scripts/bench.sh --micro [JMH options]
#   scripts/bench.sh [--line LINE] --scale [ROWS...]   the job, the GROUPING SETS pair and the exact
#     mean at 20M and 200M rows (default), 8 GiB heap (driver and executors in one JVM, local[*]):
#     time per row should stay within 15% from the smallest to the largest
#   scripts/bench.sh [--line LINE] --many-slices [ROWS KEYS]   the job with KEYS distinct slice values
#     (default 20000000 rows, 10000000 keys) and with half of both, each with a 1 GiB driver through
#     scripts/run-local.sh: it must complete, in time about linear in rows
# Results: a Markdown table (Spark) or JMH's text table (--micro) on stdout and under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--line" ]]; then export XENT_LINE="${2:?--line needs a Spark line, e.g. 3.5_2.12}"; shift 2; fi
source scripts/jvm-options.sh
quiet_mvn -DskipTests install -Dline="$XENT_LINE" -pl bench -am
classpath="bench/target/classes:$(scripts/classpath.sh bench)"
SPARK_JAVA_OPTS="$SPARK_JAVA_OPTS -Dxent.line=$XENT_LINE"
if [[ "${1:-}" == "--micro" ]]; then
  shift
  mkdir -p bench/results
  exec java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
    org.openjdk.jmh.Main -rf text -rff "bench/results/$(date +%F)-kernels-$(nproc)cores.txt" \
    "${@:-io.sparkxent.bench.Kernels}"
fi
if [[ "${1:-}" == "--scale" ]]; then
  shift
  sizes=("${@:-20000000 200000000}")
  mkdir -p bench/results/scale
  for rows in ${sizes[*]}; do
    java -Xmx8g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
      io.sparkxent.bench.SideBySide --rows "$rows" --rounds 2 --warmup 1 --results bench/results/scale \
      --cases 'evaluation job|GROUPING SETS|loss_mean\(bce_logits\(label, logit\)\) exact$' | grep -v '^round'
  done
  exit 0
fi
if [[ "${1:-}" == "--many-slices" ]]; then
  rows="${2:-20000000}"
  keys="${3:-10000000}"
  mkdir -p bench/results
  result="bench/results/$(date +%F)-many-slices-rows$rows-spark$XENT_LINE.md"
  {
    echo "# The job with many distinct slice values, 1 GiB driver ($(nproc) cores, Spark line $XENT_LINE)"
    echo
    echo "local: scripts/run-local.sh (local[*], driver and executors in one 1 GiB JVM); cluster:"
    echo "scripts/standalone-cluster.sh (two Workers of 1 core, 1 GiB executors) and scripts/submit.sh"
    echo "(1 GiB driver)."
    echo
    echo "| where | rows | distinct user_id | seconds | seconds per million rows | exit |"
    echo "|---|---:|---:|---:|---:|---:|"
  } >"$result"
  port=7177
  XENT_WORKER_MEMORY=1536m scripts/standalone-cluster.sh --line "$XENT_LINE" start "$port" >&2
  trap 'scripts/standalone-cluster.sh --line "$XENT_LINE" stop >/dev/null' EXIT
  for where in local cluster; do
    for scale in 2 1; do
      n=$((rows / scale)); k=$((keys / scale))
      data="$PWD/bench/data/slices-$n-$k"
      java -Xmx4g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
        io.sparkxent.bench.ManySlicesData "$data" "$n" "$k"
      out="$(mktemp -d)"
      job=(--input "$data" --output "$out/metrics" --label label --logit logit --slice user_id --run-id many)
      start=$(date +%s.%N)
      code=0
      if [[ "$where" == local ]]; then
        scripts/run-local.sh --line "$XENT_LINE" --driver-memory 1g --conf spark.ui.showConsoleProgress=false -- \
          "${job[@]}" >"$out/log" 2>&1 || code=$?
      else
        scripts/submit.sh --line "$XENT_LINE" --master "spark://127.0.0.1:$port" --driver-memory 1g \
          --executor-memory 1g --conf spark.ui.showConsoleProgress=false -- "${job[@]}" >"$out/log" 2>&1 || code=$?
      fi
      seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
      tail -n 8 "$out/log" >&2
      printf '| %s | %d | %d | %.1f | %.2f | %d |\n' "$where" "$n" "$k" "$seconds" \
        "$(awk -v s="$seconds" -v n="$n" 'BEGIN { print s * 1000000 / n }')" "$code" >>"$result"
      rm -rf "$out"
    done
  done
  cat "$result"
  exit 0
fi
exec java -Xmx8g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" io.sparkxent.bench.SideBySide "$@"
