#!/usr/bin/env bash
# Runs the evaluation job through spark-submit's own entry point (SparkSubmit) on local[*], from
# the Maven-resolved Spark jars: no Spark installation needed. Builds what is missing, writes
# example predictions once, evaluates them per model and per model and country.
#   scripts/run-local.sh                 the example, on Spark 4.1 (Scala 2.13)
#   scripts/run-local.sh --line 3.5_2.12 the example on another Spark line (3.5_2.12, 3.5_2.13, 4.0_2.13, 4.1_2.13)
#   scripts/run-local.sh --input ... --output ... --label ... --logit ...   your own data
#   scripts/run-local.sh --driver-memory 8g --conf spark.sql.shuffle.partitions=64 [--] --input ...
# spark-submit's options come first (or before a `--`); --driver-memory (default 4g) sizes this
# JVM, which runs the driver and, on local[*], the executors.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--line" ]]; then export XENT_LINE="${2:?--line needs a Spark line, e.g. 3.5_2.12}"; shift 2; fi
source scripts/jvm-options.sh
build_job
jar="$JOB_JAR"
classpath="$(scripts/classpath.sh "$JOB_MODULE" spark)"
split_args 4g "$@"
args=("${JOB_ARGS[@]+"${JOB_ARGS[@]}"}")
if [[ ${#args[@]} -eq 0 ]]; then
  data=data/example-predictions
  if [[ ! -f "$data/_SUCCESS" ]]; then
    echo "writing example predictions to $data (1,000,000 rows, once) ..." >&2
    java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$jar:$classpath" io.sparkxent.job.ExampleData "$data" 1000000
  fi
  args=(--input "$data" --output data/example-metrics --label label --logit logit --weight weight
        --slice model --slice model,country --run-id example)
fi
exec java "-Xmx$DRIVER_MEMORY" $SPARK_JAVA_OPTS $DRIVER_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "$classpath" org.apache.spark.deploy.SparkSubmit \
  --master 'local[*]' --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
  --conf spark.ui.showConsoleProgress=true "${SUBMIT_ARGS[@]+"${SUBMIT_ARGS[@]}"}" \
  --class io.sparkxent.job.EvaluationJob "$jar" "${args[@]}"
