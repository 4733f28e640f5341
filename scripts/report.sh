#!/usr/bin/env bash
# Rebuilds a run's HTML report (and its _report.json) from published metrics, without reading the
# predictions: the report mode of the job jar (io.sparkxent.job.ReportJob) on local[*].
#   scripts/report.sh                                   the newest run of data/example-metrics
#   scripts/report.sh --output DIR [--run-id ID] [--baseline-run ID] [--report FILE] [--report-runs N]
#   scripts/report.sh --conf spark.sql.catalog.ice=... -- --output-table ice.evals.metrics --report FILE
# spark-submit's options come first (or before a `--`), as with scripts/run-local.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--line" ]]; then export XENT_LINE="${2:?--line needs a Spark line, e.g. 3.5_2.12}"; shift 2; fi
source scripts/jvm-options.sh
build_job
split_args 2g "$@"
args=("${JOB_ARGS[@]+"${JOB_ARGS[@]}"}")
if [[ ${#args[@]} -eq 0 ]]; then
  args=(--output data/example-metrics)
fi
exec java "-Xmx$DRIVER_MEMORY" $SPARK_JAVA_OPTS $DRIVER_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "$(scripts/classpath.sh "$JOB_MODULE" spark)" org.apache.spark.deploy.SparkSubmit \
  --master 'local[*]' --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
  "${SUBMIT_ARGS[@]+"${SUBMIT_ARGS[@]}"}" --class io.sparkxent.job.ReportJob "$JOB_JAR" "${args[@]}"
