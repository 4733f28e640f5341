#!/usr/bin/env bash
# Runs the evaluation job through spark-submit's own entry point (SparkSubmit) on local[*], from
# the Maven-resolved Spark jars: no Spark installation needed. Builds what is missing, writes
# example predictions once, evaluates them per model and per model and country.
#   scripts/run-local.sh                 the example
#   scripts/run-local.sh --input ... --output ... --label ... --logit ...   your own data
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jvm-options.sh
jar="$JOB_JAR"
if [[ ! -f "$jar" || -n "$(find pom.xml core/pom.xml core/src/main codegen/src/main spark/pom.xml spark/src/main job/pom.xml job/src/main -newer "$jar" -type f | head -n 1)" ]]; then
  echo "building $jar ..." >&2
  quiet_mvn -DskipTests install -pl job -am
fi
classpath="$(scripts/classpath.sh job spark)"
args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  data=data/example-predictions
  if [[ ! -f "$data/_SUCCESS" ]]; then
    echo "writing example predictions to $data (1,000,000 rows, once) ..." >&2
    java -Xmx2g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$jar:$classpath" io.sparkxent.job.ExampleData "$data" 1000000
  fi
  args=(--input "$data" --output data/example-metrics --label label --logit logit --weight weight
        --slice model --slice model,country --run-id example)
fi
exec java -Xmx4g $SPARK_JAVA_OPTS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" org.apache.spark.deploy.SparkSubmit \
  --master 'local[*]' --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
  --conf spark.ui.showConsoleProgress=true \
  --class io.sparkxent.job.EvaluationJob "$jar" "${args[@]}"
