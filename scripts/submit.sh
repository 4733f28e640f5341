#!/usr/bin/env bash
# Submits the evaluation job to a cluster: spark-submit options first, then `--`, then the job's.
#   scripts/submit.sh --master spark://host:7077 --executor-memory 4g -- --input ... --output ...
#   scripts/submit.sh --master yarn --deploy-mode cluster -- --config job.properties
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set (YARN, Kubernetes and cluster deploy
# mode need an installation); otherwise the Maven-resolved SparkSubmit in client mode.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jvm-options.sh
submit_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do submit_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
jar="$JOB_JAR"
[[ -f "$jar" ]] || quiet_mvn -DskipTests install -pl job -am
if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" --class io.sparkxent.job.EvaluationJob "$jar" "$@"
fi
exec java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "$(scripts/classpath.sh job spark)" org.apache.spark.deploy.SparkSubmit \
  --conf spark.driver.host=127.0.0.1 "${submit_args[@]}" \
  --class io.sparkxent.job.EvaluationJob "$jar" "$@"
