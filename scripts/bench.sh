#!/usr/bin/env bash
# Side-by-side Spark benchmark (default) or JMH kernel microbenchmarks (--micro).
#   scripts/bench.sh [--line LINE] [--rows N] [--rounds R] [--warmup W]    generated Parquet under bench/data
#     LINE: the Spark line to measure, 4.1_2.13 (default), 4.0_2.13, 3.5_2.13 or 3.5_2.12
#   scripts/bench.sh --micro [JMH options]
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
exec java -Xmx8g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" io.sparkxent.bench.SideBySide "$@"
