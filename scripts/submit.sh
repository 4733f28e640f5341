#!/usr/bin/env bash
# Submits the evaluation job to a cluster: spark-submit options first, then `--`, then the job's.
#   scripts/submit.sh --master spark://host:7077 --executor-memory 4g -- --input ... --output ...
#   scripts/submit.sh --master yarn --deploy-mode cluster -- --config job.properties
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set (YARN, Kubernetes and cluster deploy
# mode need an installation); otherwise the Maven-resolved SparkSubmit in client mode.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--line" ]]; then export XENT_LINE="${2:?--line needs a Spark line, e.g. 3.5_2.12}"; shift 2; fi
source scripts/jvm-options.sh
submit_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do submit_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
build_job
jar="$JOB_JAR"
if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" --class io.sparkxent.job.EvaluationJob "$jar" "$@"
fi
exec java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "$(scripts/classpath.sh "$JOB_MODULE" spark)" org.apache.spark.deploy.SparkSubmit \
  --conf spark.driver.host=127.0.0.1 "${submit_args[@]}" \
  --class io.sparkxent.job.EvaluationJob "$jar" "$@"
