#!/usr/bin/env bash
# Prints the classpath of a module's Maven-resolved jars, for scripts that start a JVM.
#   scripts/classpath.sh bench                 runtime scope (Spark is a compile dependency there)
#   scripts/classpath.sh job/v4.1_2.13 spark   the line's Spark and its dependencies, without our jars
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jvm-options.sh
module="$1"
kind="${2:-runtime}"
line="${module#*/v}"
[[ "$module" == */v* ]] || line="$XENT_LINE"  # a module built once (bench) follows --line
out="$PWD/$module/target/classpath-$kind-$line.txt"
if [[ ! -s "$out" || "$module/pom.xml" -nt "$out" || pom.xml -nt "$out" ]]; then
  if [[ "$kind" == spark ]]; then
    # compile scope includes `provided`, where the job keeps Spark; our code comes from the job jar
    options=(-DincludeScope=compile -DexcludeGroupIds=io.sparkxent)
  else
    options=(-DincludeScope=runtime)
  fi
  quiet_mvn dependency:build-classpath -Dline="$line" -pl "$module" -Dmdep.outputFile="$out" "${options[@]}"
fi
cat "$out"
