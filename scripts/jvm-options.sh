# Sourced by the scripts that start a JVM: Spark's --add-opens flags for Java 17, read from the
# reactor pom so that Surefire and the scripts share one list.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPARK_JAVA_OPTS="$(sed -n 's:.*<spark.add-opens>\(.*\)</spark.add-opens>.*:\1:p' "$root/pom.xml")"
export SPARK_JAVA_OPTS
# Spark binds to 127.0.0.1 unless told otherwise: no hostname warnings, nothing exposed.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# Maven for the scripts' builds: silent unless it fails (then its whole output, on stderr).
quiet_mvn() {
  local log
  log="$(mktemp)"
  if ! mvn -B -q -ntp -Dstyle.color=never "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
# The job's shaded jar for the Spark line this build targets (named as Maven names it).
XENT_LINE="${XENT_LINE:-4.1_2.13}"
XENT_VERSION="$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")"
JOB_JAR="job/target/spark-xent-job-$XENT_LINE-$XENT_VERSION.jar"
