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
# The Spark line to run on (scripts take --line LINE, or XENT_LINE), its job module and shaded jar.
XENT_LINES="3.5_2.12 3.5_2.13 4.0_2.13 4.1_2.13"
XENT_LINE="${XENT_LINE:-4.1_2.13}"
if [[ " $XENT_LINES " != *" $XENT_LINE "* ]]; then
  echo "error: --line $XENT_LINE is not a Spark line of this build; the lines are: $XENT_LINES" >&2
  exit 2
fi
export XENT_LINE
XENT_SCALA="${XENT_LINE#*_}"
XENT_VERSION="$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")"
JOB_MODULE="job/v$XENT_LINE"
JOB_JAR="$JOB_MODULE/target/spark-xent-job-$XENT_LINE-$XENT_VERSION.jar"
# Builds the job of the line (and what it needs) when its jar is missing or older than a source.
build_job() {
  if [[ ! -f "$JOB_JAR" || -n "$(find "$root/pom.xml" "$root"/{core,codegen,spark,job} -newer "$JOB_JAR" -type f \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -not -path '*/target/*' | head -n 1)" ]]; then
    echo "building $JOB_JAR ..." >&2
    quiet_mvn -DskipTests install -Dline="$XENT_LINE" -pl "$JOB_MODULE" -am
  fi
}
# Splits a script's arguments into spark-submit's options (SUBMIT_ARGS) and the job's (JOB_ARGS):
# everything before a `--`, or else the leading options spark-submit knows. SparkSubmit runs in
# this script's JVM (client mode), so the driver's memory and Java options become that JVM's
# (DRIVER_MEMORY, DRIVER_JAVA_OPTS): passed to SparkSubmit they would be ignored.
split_args() { # default-driver-memory args...
  DRIVER_MEMORY="$1"; shift
  DRIVER_JAVA_OPTS=""
  SUBMIT_ARGS=()
  JOB_ARGS=()
  local explicit=0 arg
  for arg in "$@"; do
    if [[ "$arg" == "--" ]]; then explicit=1; fi
  done
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --) shift; break ;;
      --driver-memory) DRIVER_MEMORY="${2:?--driver-memory needs a size, e.g. 8g}"; shift 2 ;;
      --driver-java-options) DRIVER_JAVA_OPTS="${2:-}"; shift 2 ;;
      --conf|-c)
        case "${2:-}" in
          spark.driver.memory=*) DRIVER_MEMORY="${2#spark.driver.memory=}" ;;
          spark.driver.extraJavaOptions=*) DRIVER_JAVA_OPTS="${2#spark.driver.extraJavaOptions=}" ;;
          *) SUBMIT_ARGS+=("$1" "${2:?$1 needs KEY=VALUE}") ;;
        esac
        shift 2 ;;
      --master|--deploy-mode|--executor-memory|--executor-cores|--num-executors|--total-executor-cores|\
      --jars|--packages|--repositories|--exclude-packages|--files|--archives|--py-files|--name|\
      --properties-file|--queue|--driver-cores|--driver-class-path|--proxy-user|--principal|--keytab)
        SUBMIT_ARGS+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
      --verbose|--supervise) SUBMIT_ARGS+=("$1"); shift ;;
      *)
        if [[ $explicit -eq 1 ]]; then
          echo "error: $1 is not a spark-submit option this script knows; the job's options go after --" >&2
          exit 2
        fi
        break ;;
    esac
  done
  JOB_ARGS=("$@")
  if [[ ! "$DRIVER_MEMORY" =~ ^[0-9]+[kKmMgGtT]?$ ]]; then
    echo "error: driver memory $DRIVER_MEMORY is not a size such as 2g or 1536m" >&2
    exit 2
  fi
}
