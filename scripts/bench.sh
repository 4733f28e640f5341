#!/usr/bin/env bash
# Side-by-side Spark benchmark (default) or JMH kernel microbenchmarks (--micro).
#   scripts/bench.sh [--rows N] [--rounds R] [--warmup W]    generated Parquet under bench/data
#   scripts/bench.sh --micro [JMH options]
# Results: a Markdown table (Spark) or JMH's text table (--micro) on stdout and under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jvm-options.sh
quiet_mvn -DskipTests install -pl bench -am
classpath="bench/target/classes:$(scripts/classpath.sh bench)"
if [[ "${1:-}" == "--micro" ]]; then
  shift
  mkdir -p bench/results
  exec java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
    org.openjdk.jmh.Main -rf text -rff "bench/results/$(date +%F)-kernels-$(nproc)cores.txt" \
    "${@:-io.sparkxent.bench.Kernels}"
fi
exec java -Xmx8g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" io.sparkxent.bench.SideBySide "$@"
