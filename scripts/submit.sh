#!/usr/bin/env bash
# Submits the evaluation job to a cluster: spark-submit options first (then, optionally, `--`),
# then the job's.
#   scripts/submit.sh --master spark://host:7077 --driver-memory 8g --executor-memory 4g -- --input ... --output ...
#   scripts/submit.sh --master yarn --deploy-mode cluster -- --config job.properties
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set (YARN, Kubernetes and cluster deploy
# mode need an installation); otherwise the Maven-resolved SparkSubmit in client mode, in this
# script's JVM, whose heap --driver-memory sets (default 2g).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--line" ]]; then export XENT_LINE="${2:?--line needs a Spark line, e.g. 3.5_2.12}"; shift 2; fi
source scripts/jvm-options.sh
split_args 2g "$@"
build_job
jar="$JOB_JAR"
if [[ -n "${SPARK_HOME:-}" ]]; then
  # an installation's spark-submit sizes the driver itself: hand it the options as given
  java_options=()
  if [[ -n "$DRIVER_JAVA_OPTS" ]]; then java_options=(--driver-java-options "$DRIVER_JAVA_OPTS"); fi
  exec "$SPARK_HOME/bin/spark-submit" --driver-memory "$DRIVER_MEMORY" \
    "${java_options[@]+"${java_options[@]}"}" "${SUBMIT_ARGS[@]+"${SUBMIT_ARGS[@]}"}" \
    --class io.sparkxent.job.EvaluationJob "$jar" "${JOB_ARGS[@]+"${JOB_ARGS[@]}"}"
fi
exec java "-Xmx$DRIVER_MEMORY" $SPARK_JAVA_OPTS $DRIVER_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "$(scripts/classpath.sh "$JOB_MODULE" spark)" org.apache.spark.deploy.SparkSubmit \
  --conf spark.driver.host=127.0.0.1 "${SUBMIT_ARGS[@]+"${SUBMIT_ARGS[@]}"}" \
  --class io.sparkxent.job.EvaluationJob "$jar" "${JOB_ARGS[@]+"${JOB_ARGS[@]}"}"
